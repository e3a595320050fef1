using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// VXLAN header (RFC 7348 §5). The I flag (0x08) must be set: the VNI is valid. Reserved bits are written
/// as zero and ignored on receive.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |R|R|R|R|I|R|R|R|            Reserved                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                VXLAN Network Identifier (VNI) |   Reserved    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly struct VxlanHeader
{
    public const int Size = 8;
    public const byte FlagI = 0x08;
    public const ushort DefaultPort = 4789;
    public const uint MaxVni = 0xFFFFFF;

    /// <summary>Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14): what VXLAN adds over the inner IP MTU.</summary>
    public const int OverheadIPv4 = 50;

    public VxlanHeader(uint vni)
    {
        if (vni > MaxVni) throw new ArgumentOutOfRangeException(nameof(vni), vni, "a VNI has 24 bits (0..16777215)");
        Vni = vni;
    }

    public uint Vni { get; }

    /// <summary>Reads the header; false when shorter than 8 bytes or the I flag is clear.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out VxlanHeader header)
    {
        header = default;
        if (source.Length < Size || (source[0] & FlagI) == 0) return false;
        header = new VxlanHeader(BinaryPrimitives.ReadUInt32BigEndian(source[4..]) >> 8);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)FlagI << 24);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Vni << 8);
    }
}
