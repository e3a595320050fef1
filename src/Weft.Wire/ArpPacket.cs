using System.Buffers.Binary;

namespace Weft.Wire;

/// <summary>
/// ARP for IPv4 over Ethernet (RFC 826): hardware type 1, protocol 0x0800, lengths 6 and 4.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Hardware Type (1)         |     Protocol Type (0x0800)    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  HLEN (6)     |  PLEN (4)     |     Operation (1 req, 2 rep)  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                Sender hardware address (6)                    |
/// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                               | Sender protocol address (4)   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                               |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// |                Target hardware address (6)                    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                Target protocol address (4)                    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly struct ArpPacket
{
    public const int Size = 28;
    public const ushort OpRequest = 1;
    public const ushort OpReply = 2;

    public ArpPacket(ushort operation, MacAddress senderMac, IPv4Address senderIp, MacAddress targetMac, IPv4Address targetIp)
    {
        Operation = operation;
        SenderMac = senderMac;
        SenderIp = senderIp;
        TargetMac = targetMac;
        TargetIp = targetIp;
    }

    public ushort Operation { get; }
    public MacAddress SenderMac { get; }
    public IPv4Address SenderIp { get; }
    public MacAddress TargetMac { get; }
    public IPv4Address TargetIp { get; }

    public bool IsRequest => Operation == OpRequest;

    public static bool TryRead(ReadOnlySpan<byte> source, out ArpPacket packet)
    {
        packet = default;
        if (source.Length < Size) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(source) != 1) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(source[2..]) != EtherType.IPv4) return false;
        if (source[4] != 6 || source[5] != 4) return false;
        var op = BinaryPrimitives.ReadUInt16BigEndian(source[6..]);
        if (op is not (OpRequest or OpReply)) return false;
        packet = new ArpPacket(op, MacAddress.Read(source[8..]), IPv4Address.Read(source[14..]),
            MacAddress.Read(source[18..]), IPv4Address.Read(source[24..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, 1);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], EtherType.IPv4);
        destination[4] = 6;
        destination[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Operation);
        SenderMac.Write(destination[8..]);
        SenderIp.Write(destination[14..]);
        TargetMac.Write(destination[18..]);
        TargetIp.Write(destination[24..]);
    }

    /// <summary>The reply that <paramref name="ownerMac"/> (owner of the requested address) sends to this request.</summary>
    public ArpPacket ReplyFrom(MacAddress ownerMac) => new(OpReply, ownerMac, TargetIp, SenderMac, SenderIp);
}
