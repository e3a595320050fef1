using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// Ethernet II header, optionally with one IEEE 802.1Q tag (skipped on read, kept as <see cref="VlanTci"/>).
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Destination MAC (48 bits)                  |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+    Source MAC (48 bits)       +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | [TPID 0x8100 | PCP|D|  VLAN ID ]  (optional 802.1Q tag)       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          EtherType            |  payload ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly struct EthernetHeader
{
    public const int Size = 14;
    public const int VlanTagSize = 4;

    public EthernetHeader(MacAddress destination, MacAddress source, ushort etherType)
    {
        Destination = destination;
        Source = source;
        EtherType = etherType;
        VlanTci = null;
    }

    private EthernetHeader(MacAddress destination, MacAddress source, ushort etherType, ushort? vlanTci)
    {
        Destination = destination;
        Source = source;
        EtherType = etherType;
        VlanTci = vlanTci;
    }

    public MacAddress Destination { get; }

    public MacAddress Source { get; }

    /// <summary>The EtherType of the payload (after any 802.1Q tag).</summary>
    public ushort EtherType { get; }

    /// <summary>The 802.1Q tag control information if the frame carried one tag.</summary>
    public ushort? VlanTci { get; }

    /// <summary>Bytes before the payload: 14, or 18 with a VLAN tag.</summary>
    public int HeaderLength => VlanTci is null ? Size : Size + VlanTagSize;

    public static bool TryRead(ReadOnlySpan<byte> frame, out EthernetHeader header)
    {
        header = default;
        if (frame.Length < Size) return false;
        var dst = MacAddress.Read(frame);
        var src = MacAddress.Read(frame[6..]);
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type == Wire.EtherType.Vlan)
        {
            if (frame.Length < Size + VlanTagSize) return false;
            var tci = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
            var inner = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            header = new EthernetHeader(dst, src, inner, tci);
            return true;
        }
        header = new EthernetHeader(dst, src, type, null);
        return true;
    }

    /// <summary>Writes the header (with the tag if <see cref="VlanTci"/> is set); <paramref name="destination"/> needs <see cref="HeaderLength"/> bytes.</summary>
    public void Write(Span<byte> destination)
    {
        Destination.Write(destination);
        Source.Write(destination[6..]);
        if (VlanTci is { } tci)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[12..], Wire.EtherType.Vlan);
            BinaryPrimitives.WriteUInt16BigEndian(destination[14..], tci);
            BinaryPrimitives.WriteUInt16BigEndian(destination[16..], EtherType);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[12..], EtherType);
        }
    }

    /// <summary>A copy with one 802.1Q tag.</summary>
    public EthernetHeader WithVlan(ushort tci) => new(Destination, Source, EtherType, tci);
}
