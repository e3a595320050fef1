using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// UDP header (RFC 768) and its checksum over the IPv4 or IPv6 pseudo-header.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Source Port          |       Destination Port        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |            Length             |           Checksum            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// Over IPv4 a zero checksum means "none" (RFC 768); a computed zero is sent as 0xFFFF.
/// </summary>
public readonly struct UdpHeader
{
    public const int Size = 8;

    public UdpHeader(ushort sourcePort, ushort destinationPort, ushort length, ushort checksum = 0)
    {
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        Length = length;
        Checksum = checksum;
    }

    public ushort SourcePort { get; }
    public ushort DestinationPort { get; }

    /// <summary>Header plus payload, in bytes.</summary>
    public ushort Length { get; }
    public ushort Checksum { get; }

    /// <summary>Reads the header; false when shorter than 8 bytes or when Length is below 8 or beyond the buffer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out UdpHeader header)
    {
        header = default;
        if (source.Length < Size) return false;
        var length = BinaryPrimitives.ReadUInt16BigEndian(source[4..]);
        if (length < Size || length > source.Length) return false;
        header = new UdpHeader(BinaryPrimitives.ReadUInt16BigEndian(source), BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            length, BinaryPrimitives.ReadUInt16BigEndian(source[6..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Checksum);
    }

    /// <summary>Computes the checksum of <paramref name="datagram"/> (header with checksum field zero, plus payload) over IPv4.</summary>
    public static ushort ComputeChecksum(IPv4Address source, IPv4Address destination, ReadOnlySpan<byte> datagram)
    {
        var sum = Wire.Checksum.Add(IPv4Header.PseudoHeaderSum(source, destination, IPv4Header.ProtocolUdp, datagram.Length), datagram);
        var c = Wire.Checksum.Fold(sum);
        return c == 0 ? (ushort)0xFFFF : c;
    }

    /// <summary>Computes the checksum of <paramref name="datagram"/> (header with checksum field zero, plus payload) over IPv6.</summary>
    public static ushort ComputeChecksum(UInt128 source, UInt128 destination, ReadOnlySpan<byte> datagram)
    {
        var sum = Wire.Checksum.Add(IPv6Header.PseudoHeaderSum(source, destination, IPv4Header.ProtocolUdp, datagram.Length), datagram);
        var c = Wire.Checksum.Fold(sum);
        return c == 0 ? (ushort)0xFFFF : c;
    }

    /// <summary>True when the datagram's checksum is right (or absent over IPv4).</summary>
    public static bool IsChecksumValid(IPv4Address source, IPv4Address destination, ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < Size) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]) == 0) return true;
        var sum = Wire.Checksum.Add(IPv4Header.PseudoHeaderSum(source, destination, IPv4Header.ProtocolUdp, datagram.Length), datagram);
        return Wire.Checksum.Fold(sum) == 0;
    }

    /// <summary>True when the datagram's checksum is right (mandatory over IPv6).</summary>
    public static bool IsChecksumValid(UInt128 source, UInt128 destination, ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < Size || BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]) == 0) return false;
        var sum = Wire.Checksum.Add(IPv6Header.PseudoHeaderSum(source, destination, IPv4Header.ProtocolUdp, datagram.Length), datagram);
        return Wire.Checksum.Fold(sum) == 0;
    }
}
