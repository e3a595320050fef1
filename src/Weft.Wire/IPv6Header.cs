using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// IPv6 fixed header (RFC 8200). Extension headers are not walked: <see cref="NextHeader"/> is what follows the fixed header.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |Version| Traffic Class |           Flow Label                  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |         Payload Length        |  Next Header  |   Hop Limit   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                  Source Address (128 bits)                    +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +               Destination Address (128 bits)                  +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly struct IPv6Header
{
    public const int Size = 40;

    public IPv6Header(UInt128 source, UInt128 destination, byte nextHeader, ushort payloadLength, byte hopLimit = 64,
        byte trafficClass = 0, uint flowLabel = 0)
    {
        Source = source;
        Destination = destination;
        NextHeader = nextHeader;
        PayloadLength = payloadLength;
        HopLimit = hopLimit;
        TrafficClass = trafficClass;
        FlowLabel = flowLabel & 0xFFFFF;
    }

    /// <summary>Source address, first byte most significant.</summary>
    public UInt128 Source { get; }
    public UInt128 Destination { get; }
    public byte NextHeader { get; }
    public ushort PayloadLength { get; }
    public byte HopLimit { get; }
    public byte TrafficClass { get; }
    public uint FlowLabel { get; }

    public static bool TryRead(ReadOnlySpan<byte> source, out IPv6Header header)
    {
        header = default;
        if (source.Length < Size) return false;
        if (source[0] >> 4 != 6) return false;
        var payload = BinaryPrimitives.ReadUInt16BigEndian(source[4..]);
        if (Size + payload > source.Length) return false;
        var first = BinaryPrimitives.ReadUInt32BigEndian(source);
        header = new IPv6Header(
            BinaryPrimitives.ReadUInt128BigEndian(source[8..]), BinaryPrimitives.ReadUInt128BigEndian(source[24..]),
            source[6], payload, source[7], (byte)(first >> 20), first & 0xFFFFF);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (6u << 28) | ((uint)TrafficClass << 20) | FlowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], PayloadLength);
        destination[6] = NextHeader;
        destination[7] = HopLimit;
        BinaryPrimitives.WriteUInt128BigEndian(destination[8..], Source);
        BinaryPrimitives.WriteUInt128BigEndian(destination[24..], Destination);
    }

    /// <summary>The sum of the IPv6 pseudo-header (RFC 8200 §8.1) for an upper-layer checksum.</summary>
    public static ulong PseudoHeaderSum(UInt128 source, UInt128 destination, byte nextHeader, int upperLayerLength)
    {
        Span<byte> addresses = stackalloc byte[32];
        BinaryPrimitives.WriteUInt128BigEndian(addresses, source);
        BinaryPrimitives.WriteUInt128BigEndian(addresses[16..], destination);
        return Checksum.Add(0, addresses) + (ulong)upperLayerLength + nextHeader;
    }
}
