using System.Buffers.Binary;
using System.Net;

namespace Weft.Wire;

/// <summary>An IPv4 address as a 32-bit value in network order (first octet most significant); no allocation.</summary>
public readonly record struct IPv4Address(uint Value)
{
    public const int Size = 4;

    public static IPv4Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    /// <summary>
    /// Parses a strict dotted quad as inet_pton(AF_INET) and <c>ip</c> accept it: four decimal octets 0..255 without
    /// leading zeros. (IPAddress.Parse also takes inet_aton forms, so "10.0.1" would silently be 10.0.0.1 and
    /// "010.0.0.1" octal 8.0.0.1.)
    /// </summary>
    public static IPv4Address Parse(string text)
    {
        if (!TryParseDottedQuad(text, out var address))
            throw new FormatException($"'{text}' is not an IPv4 address (expected dotted quad like 10.0.0.2)");
        return address;
    }

    private static bool TryParseDottedQuad(ReadOnlySpan<char> text, out IPv4Address address)
    {
        address = default;
        uint value = 0;
        var i = 0;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (i >= text.Length || text[i] != '.') return false;
                i++;
            }
            var start = i;
            uint octet = 0;
            while (i < text.Length && i - start < 4 && char.IsAsciiDigit(text[i])) octet = octet * 10 + (uint)(text[i++] - '0');
            var digits = i - start;
            if (digits is 0 or > 3 || octet > 255 || (digits > 1 && text[start] == '0')) return false;
            value = (value << 8) | octet;
        }
        if (i != text.Length) return false;
        address = new IPv4Address(value);
        return true;
    }

    public static IPv4Address From(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        if (!address.TryWriteBytes(b, out var n) || n != 4) throw new ArgumentException("not an IPv4 address", nameof(address));
        return Read(b);
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[4];
        Write(b);
        return new IPAddress(b);
    }

    public override string ToString() => $"{Value >> 24}.{(Value >> 16) & 0xff}.{(Value >> 8) & 0xff}.{Value & 0xff}";
}
