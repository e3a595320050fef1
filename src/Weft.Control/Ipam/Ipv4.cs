using System.Globalization;
using Weft.Control.Errors;

namespace Weft.Control.Ipam;

/// <summary>
/// IPv4 addresses as host-order <see cref="uint"/> for arithmetic. Parsing is strict dotted-quad ("10.0.1.5"): the legacy
/// short forms <see cref="System.Net.IPAddress.Parse(string)"/> accepts ("10.1" = 10.0.0.1) are refused, since a user typing
/// them almost certainly meant something else.
/// </summary>
public static class Ipv4
{
    public static bool TryParse(ReadOnlySpan<char> text, out uint address)
    {
        address = 0;
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || !part.ContainsOnlyDigits() ||
                !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet) || octet > 255)
            {
                return false;
            }

            address = (address << 8) | octet;
        }

        return parts == 4;
    }

    /// <summary>Parses or throws <see cref="WeftInvalidArgumentException"/> naming <paramref name="what"/> (e.g. "gateway").</summary>
    public static uint Parse(string text, string what) =>
        TryParse(text, out var address)
            ? address
            : throw new WeftInvalidArgumentException($"invalid {what} '{text}': expected an IPv4 address like 10.0.1.5");

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}");

    /// <summary>Docker's MAC for an IPv4 endpoint: 02:42 followed by the four address bytes.</summary>
    public static string MacFor(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"02:42:{address >> 24:x2}:{(address >> 16) & 0xff:x2}:{(address >> 8) & 0xff:x2}:{address & 0xff:x2}");

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
