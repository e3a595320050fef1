using System.Buffers.Binary;
using System.Net;

namespace Weft.Wire;

/// <summary>An IPv4 address as a 32-bit value in network order (first octet most significant); no allocation.</summary>
public readonly record struct IPv4Address(uint Value)
{
    public const int Size = 4;

    public static IPv4Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    public static IPv4Address Parse(string text)
    {
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new FormatException($"'{text}' is not an IPv4 address (expected dotted quad like 10.0.0.2)");
        return From(ip);
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
