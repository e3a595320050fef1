using System.Globalization;
using System.Net;

namespace Weft.Dns;

/// <summary>Reads the IPv4 address out of a reverse-lookup name ("4.3.2.1.in-addr.arpa" is 1.2.3.4).</summary>
internal static class ReverseName
{
    private const string Suffix = "in-addr.arpa";

    /// <param name="labels">The query name's labels, lower-case, without the root.</param>
    public static bool TryParseIPv4(IReadOnlyList<string> labels, out IPAddress address)
    {
        address = IPAddress.None;
        if (labels.Count != 6 || labels[4] != "in-addr" || labels[5] != "arpa")
            return false;
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var label = labels[3 - i];
            if (label.Length is 0 or > 3 || !label.All(char.IsAsciiDigit)
                || !byte.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
                return false;
        }
        address = new IPAddress(bytes);
        return true;
    }

    public static bool IsReverseZone(string name) =>
        name.EndsWith("." + Suffix, StringComparison.Ordinal) || name == Suffix;
}
