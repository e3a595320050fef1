using System.Buffers.Binary;
using Weft.Wire;

namespace Weft.DataPlane.Probing;

/// <summary>
/// The inner frame of a link probe: what <c>weft network diagnose</c> sends through the overlay to another host's VTEP,
/// which answers it instead of delivering it. It travels exactly like container traffic (VXLAN on the network's VNI,
/// the same UDP ports, sealed on an encrypted network), so an answered probe shows that the underlay carries the
/// overlay between the two hosts, and a probe of the network's full frame size shows that the path's MTU is enough.
///
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |        destination MAC 00:00:00:00:00:00 (never a host)       |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |     source MAC 02:77:65:66:   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                       74:00 ("wefT")                          |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  EtherType 0x88B5 (IEEE local |     magic "WEFTPROB" ...      |
/// |  experimental)                |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                                                               |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               |  kind (1 req, |   reserved    |
/// |                               |  2 reply)     |               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          probe id                             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 zero padding to the probed size ...           |
/// </code>
/// </summary>
public static class ProbeFrame
{
    public const ushort EtherType = 0x88B5;

    /// <summary>Bytes up to and including the probe id; a probe is at least this long.</summary>
    public const int HeaderLength = EthernetHeader.Size + 8 + 2 + 4;

    /// <summary>The smallest probe sent (an Ethernet minimum frame without FCS).</summary>
    public const int MinLength = 60;

    private static readonly MacAddress Source = new(0x0277_6566_7400UL);
    private static ReadOnlySpan<byte> Magic => "WEFTPROB"u8;

    /// <summary>Writes a probe of <paramref name="length"/> bytes (at least <see cref="MinLength"/>) into <paramref name="frame"/>.</summary>
    public static void Write(Span<byte> frame, ProbeKind kind, uint id, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, MinLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, frame.Length);
        frame[..length].Clear();
        new EthernetHeader(new MacAddress(0), Source, EtherType).Write(frame);
        Magic.CopyTo(frame[EthernetHeader.Size..]);
        frame[EthernetHeader.Size + 8] = (byte)kind;
        BinaryPrimitives.WriteUInt32BigEndian(frame[(EthernetHeader.Size + 10)..], id);
    }

    /// <summary>True when <paramref name="frame"/> is a probe (right EtherType and magic, a known kind); never throws.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out ProbeKind kind, out uint id)
    {
        kind = default;
        id = 0;
        if (frame.Length < HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherType) return false;
        if (!frame.Slice(EthernetHeader.Size, 8).SequenceEqual(Magic)) return false;
        kind = (ProbeKind)frame[EthernetHeader.Size + 8];
        if (kind is not (ProbeKind.Request or ProbeKind.Reply)) return false;
        id = BinaryPrimitives.ReadUInt32BigEndian(frame[(EthernetHeader.Size + 10)..]);
        return true;
    }

    /// <summary>Turns a request into its reply in place (same length, so the answer crosses the path at the same size).</summary>
    public static void MakeReply(Span<byte> frame) => frame[EthernetHeader.Size + 8] = (byte)ProbeKind.Reply;
}

public enum ProbeKind : byte
{
    Request = 1,
    Reply = 2,
}
