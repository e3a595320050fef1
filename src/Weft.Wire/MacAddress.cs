using System.Buffers.Binary;
using System.Globalization;

namespace Weft.Wire;

/// <summary>A 48-bit IEEE 802 MAC address as a value type (no allocation to compare or hash).</summary>
public readonly struct MacAddress : IEquatable<MacAddress>
{
    public const int Size = 6;

    private readonly ulong _value; // low 48 bits, network order: first octet is the most significant

    public MacAddress(ulong value) => _value = value & 0xFFFF_FFFF_FFFFUL;

    public static MacAddress Broadcast { get; } = new(0xFFFF_FFFF_FFFFUL);

    public ulong Value => _value;

    public bool IsBroadcast => _value == 0xFFFF_FFFF_FFFFUL;

    /// <summary>Group bit (I/G) set: broadcast or multicast.</summary>
    public bool IsMulticast => (_value & 0x0100_0000_0000UL) != 0;

    public bool IsZero => _value == 0;

    public static MacAddress Read(ReadOnlySpan<byte> source) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)_value);
    }

    /// <summary>Docker's convention: 02:42 followed by the four bytes of the container's IPv4 address.</summary>
    public static MacAddress FromIPv4(IPv4Address address) => new(0x0242_0000_0000UL | address.Value);

    public static MacAddress Parse(string text)
    {
        if (!TryParse(text, out var mac)) throw new FormatException($"'{text}' is not a MAC address (expected six hex pairs like 02:42:0a:00:00:02)");
        return mac;
    }

    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress mac)
    {
        mac = default;
        if (text.Length != 17) return false;
        ulong value = 0;
        for (var i = 0; i < 6; i++)
        {
            if (i > 0 && text[i * 3 - 1] != ':' && text[i * 3 - 1] != '-') return false;
            if (!byte.TryParse(text.Slice(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)) return false;
            value = (value << 8) | b;
        }
        mac = new MacAddress(value);
        return true;
    }

    public bool Equals(MacAddress other) => _value == other._value;

    public override bool Equals(object? obj) => obj is MacAddress other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();

    public static bool operator ==(MacAddress a, MacAddress b) => a._value == b._value;

    public static bool operator !=(MacAddress a, MacAddress b) => a._value != b._value;

    public override string ToString() => string.Create(17, _value, static (span, v) =>
    {
        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(v >> (40 - 8 * i));
            if (i > 0) span[i * 3 - 1] = ':';
            b.TryFormat(span.Slice(i * 3, 2), out _, "x2", CultureInfo.InvariantCulture);
        }
    });
}
