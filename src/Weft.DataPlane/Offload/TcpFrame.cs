using System.Buffers.Binary;
using Weft.Wire;

namespace Weft.DataPlane.Offload;

/// <summary>
/// Where the headers of an Ethernet/IPv4-or-IPv6/TCP frame are, as found by <see cref="TryParse"/>. Only the plain
/// shapes offloads deal with: no VLAN tag, IPv4 not fragmented, IPv6 without extension headers (TCP directly).
/// </summary>
internal readonly struct TcpFrame
{
    public const int EthernetLength = 14;
    public const int TcpFlagsOffset = 13;
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;
    public const byte Urg = 0x20;
    public const byte Ece = 0x40;
    public const byte Cwr = 0x80;

    private TcpFrame(bool isIPv6, int ipHeaderLength, int tcpHeaderLength, int length)
    {
        IsIPv6 = isIPv6;
        IpHeaderLength = ipHeaderLength;
        TcpHeaderLength = tcpHeaderLength;
        Length = length;
    }

    public bool IsIPv6 { get; }

    public int IpHeaderLength { get; }

    public int TcpHeaderLength { get; }

    /// <summary>Frame length the IP header accounts for (Ethernet header included; trailing padding excluded).</summary>
    public int Length { get; }

    public int IpOffset => EthernetLength;

    public int TcpOffset => EthernetLength + IpHeaderLength;

    /// <summary>Ethernet + IP + TCP headers.</summary>
    public int HeadersLength => TcpOffset + TcpHeaderLength;

    public int PayloadLength => Length - HeadersLength;

    /// <summary>The same header layout for a packet of another length (a segment of a super-frame, a coalesced frame).</summary>
    public TcpFrame WithLength(int length) => new(IsIPv6, IpHeaderLength, TcpHeaderLength, length);

    /// <summary>
    /// Parses <paramref name="frame"/>. With <paramref name="lengthFromFrame"/> the frame's own length is taken as the
    /// packet length (GSO super-frames, whose IP length fields the kernel may not fill); otherwise the IP header's
    /// length must fit the frame. False for anything that is not plain TCP.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, bool lengthFromFrame, out TcpFrame tcp)
    {
        tcp = default;
        if (frame.Length < EthernetLength + 40) return false;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        var ip = frame[EthernetLength..];
        int ipHeaderLength;
        int length;
        bool v6;
        if (etherType == (ushort)EtherType.IPv4)
        {
            if (ip[0] >> 4 != 4) return false;
            ipHeaderLength = (ip[0] & 0x0f) * 4;
            if (ipHeaderLength < 20 || ip[9] != 6) return false;
            if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3fff) != 0) return false; // MF or fragment offset
            length = EthernetLength + BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            v6 = false;
        }
        else if (etherType == (ushort)EtherType.IPv6)
        {
            if (ip[0] >> 4 != 6 || ip[6] != 6) return false;
            ipHeaderLength = 40;
            length = EthernetLength + 40 + BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            v6 = true;
        }
        else
        {
            return false;
        }
        if (lengthFromFrame) length = frame.Length;
        if (length > frame.Length || length < EthernetLength + ipHeaderLength + 20) return false;
        var tcpHeaderLength = (frame[EthernetLength + ipHeaderLength + 12] >> 4) * 4;
        if (tcpHeaderLength < 20 || EthernetLength + ipHeaderLength + tcpHeaderLength > length) return false;
        tcp = new TcpFrame(v6, ipHeaderLength, tcpHeaderLength, length);
        return true;
    }

    /// <summary>The TCP checksum sum over the pseudo-header (RFC 793 / RFC 8200 §8.1) for a segment of <paramref name="tcpLength"/> bytes, not folded.</summary>
    public ulong PseudoHeaderSum(ReadOnlySpan<byte> frame, int tcpLength)
    {
        var ip = frame[EthernetLength..];
        var addresses = IsIPv6 ? ip.Slice(8, 32) : ip.Slice(12, 8);
        return Checksum.Add(Checksum.Add(0, addresses), (uint)(6 + tcpLength));
    }

    /// <summary>True when the TCP checksum of the segment in <paramref name="frame"/> verifies.</summary>
    public bool ChecksumValid(ReadOnlySpan<byte> frame)
    {
        var tcpLength = Length - TcpOffset;
        return Checksum.Fold(Checksum.Add(PseudoHeaderSum(frame, tcpLength), frame.Slice(TcpOffset, tcpLength))) == 0;
    }

    /// <summary>Computes and stores the full TCP checksum of the segment in <paramref name="frame"/>.</summary>
    public void FillChecksum(Span<byte> frame)
    {
        var tcpLength = Length - TcpOffset;
        var field = frame.Slice(TcpOffset + 16, 2);
        field.Clear();
        var sum = Checksum.Fold(Checksum.Add(PseudoHeaderSum(frame, tcpLength), frame.Slice(TcpOffset, tcpLength)));
        BinaryPrimitives.WriteUInt16BigEndian(field, sum);
    }

    /// <summary>Sets the IP length field(s) for a packet of <paramref name="frameLength"/> bytes (with Ethernet) and, for IPv4, the header checksum.</summary>
    public void SetIpLength(Span<byte> frame, int frameLength)
    {
        var ip = frame[EthernetLength..];
        if (IsIPv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(frameLength - EthernetLength - 40));
            return;
        }
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frameLength - EthernetLength));
        FillIPv4HeaderChecksum(ip);
    }

    public void FillIPv4HeaderChecksum(Span<byte> ip)
    {
        ip.Slice(10, 2).Clear();
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Compute(ip[..IpHeaderLength]));
    }
}
