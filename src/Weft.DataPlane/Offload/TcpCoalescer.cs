using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Weft.DataPlane.Offload;

/// <summary>
/// Software GRO for TCP, the rules of the kernel's tcp_gro_receive and wireguard-go's tcpGRO: consecutive segments of
/// one flow are merged into a super-frame handed to a TAP with a GSO virtio header, so the kernel takes one large
/// packet instead of dozens. A segment joins a group when it has the same Ethernet header, IP version, addresses,
/// TOS/traffic class, DF bits and TTL/hop limit, ports, ACK number, TCP header length, options and window; its flags
/// are ACK (or ACK|PSH, which ends the group); its sequence number follows the group's data exactly; its payload is
/// no larger than the first segment's (a shorter one ends the group); the merged packet stays within 64 KiB; and its
/// TCP checksum verifies (a corrupted segment is never hidden inside a checksum-partial super-frame).
/// </summary>
internal static class TcpCoalescer
{
    /// <summary>Largest IP packet (the IPv4 total length / IPv6 payload length field is 16 bits).</summary>
    public const int MaxIpLength = 65535;

    /// <summary>True when <paramref name="frame"/> may start or join a group: plain TCP, exact length, ACK or ACK|PSH, payload, valid checksum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    public static bool IsCandidate(ReadOnlySpan<byte> frame, out TcpFrame tcp)
    {
        if (!TcpFrame.TryParse(frame, lengthFromFrame: false, out tcp) || tcp.Length != frame.Length) return false;
        var flags = frame[tcp.TcpOffset + TcpFrame.TcpFlagsOffset];
        if (flags != TcpFrame.Ack && flags != (TcpFrame.Ack | TcpFrame.Psh)) return false;
        return tcp.PayloadLength > 0 && tcp.ChecksumValid(frame);
    }

    /// <summary>True when a group ends after <paramref name="frame"/> (PSH set).</summary>
    public static bool EndsGroup(ReadOnlySpan<byte> frame, in TcpFrame tcp) =>
        (frame[tcp.TcpOffset + TcpFrame.TcpFlagsOffset] & TcpFrame.Psh) != 0;

    /// <summary>
    /// True when candidate <paramref name="next"/> can be appended to the group started by <paramref name="head"/> holding
    /// <paramref name="groupPayload"/> payload bytes cut at <paramref name="segmentSize"/> (the head's payload length).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    public static bool CanAppend(ReadOnlySpan<byte> head, in TcpFrame headTcp, int groupPayload, int segmentSize, ReadOnlySpan<byte> next, in TcpFrame nextTcp)
    {
        if (nextTcp.IsIPv6 != headTcp.IsIPv6 || nextTcp.IpHeaderLength != headTcp.IpHeaderLength || nextTcp.TcpHeaderLength != headTcp.TcpHeaderLength)
            return false;
        if (nextTcp.PayloadLength > segmentSize) return false;
        if (headTcp.Length - TcpFrame.EthernetLength + groupPayload - headTcp.PayloadLength + nextTcp.PayloadLength > MaxIpLength) return false;
        if (!head[..TcpFrame.EthernetLength].SequenceEqual(next[..TcpFrame.EthernetLength])) return false;
        if (!IpHeadersMatch(head[TcpFrame.EthernetLength..], next[TcpFrame.EthernetLength..], headTcp)) return false;

        var a = head[headTcp.TcpOffset..];
        var b = next[nextTcp.TcpOffset..];
        if (!a[..4].SequenceEqual(b[..4])) return false;           // ports
        if (!a.Slice(8, 5).SequenceEqual(b.Slice(8, 5))) return false; // ACK number, data offset
        if (!a.Slice(14, 2).SequenceEqual(b.Slice(14, 2))) return false; // window
        if (!a.Slice(20, headTcp.TcpHeaderLength - 20).SequenceEqual(b.Slice(20, nextTcp.TcpHeaderLength - 20))) return false; // options
        var expected = unchecked(BinaryPrimitives.ReadUInt32BigEndian(a[4..]) + (uint)groupPayload);
        return BinaryPrimitives.ReadUInt32BigEndian(b[4..]) == expected;
    }

    private static bool IpHeadersMatch(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, in TcpFrame tcp)
    {
        if (tcp.IsIPv6)
            return a[..4].SequenceEqual(b[..4]) && a[7] == b[7] && a.Slice(8, 32).SequenceEqual(b.Slice(8, 32));
        return a[1] == b[1]                       // TOS
            && (a[6] >> 5) == (b[6] >> 5)         // reserved, DF, MF
            && a[8] == b[8]                       // TTL
            && a.Slice(12, 8).SequenceEqual(b.Slice(12, 8))
            && a.Slice(20, tcp.IpHeaderLength - 20).SequenceEqual(b.Slice(20, tcp.IpHeaderLength - 20));
    }

    /// <summary>Copies the group's first segment's headers (Ethernet, IP, TCP) to <paramref name="headers"/>; returns their length.</summary>
    public static int Begin(ReadOnlySpan<byte> head, in TcpFrame headTcp, Span<byte> headers)
    {
        head[..headTcp.HeadersLength].CopyTo(headers);
        return headTcp.HeadersLength;
    }

    /// <summary>The merged headers take the flags of the newest segment <paramref name="next"/> (ACK, or ACK|PSH at the end).</summary>
    public static void TakeFlags(Span<byte> headers, in TcpFrame headTcp, ReadOnlySpan<byte> next, in TcpFrame nextTcp) =>
        headers[headTcp.TcpOffset + TcpFrame.TcpFlagsOffset] = next[nextTcp.TcpOffset + TcpFrame.TcpFlagsOffset];

    /// <summary>
    /// Finishes the headers of a super-frame of <paramref name="length"/> bytes (the payloads follow them): IP length (and IPv4 header checksum), and the TCP
    /// checksum field set to the pseudo-header sum as CHECKSUM_PARTIAL expects (the kernel treats the payload as
    /// verified; it completes the sum only if it has to segment the packet again).
    /// </summary>
    public static void Finish(Span<byte> headers, int length, in TcpFrame headTcp)
    {
        var merged = headTcp.WithLength(length);
        merged.SetIpLength(headers, length);
        var pseudo = merged.PseudoHeaderSum(headers, length - merged.TcpOffset);
        var folded = (ushort)~Weft.Wire.Checksum.Fold(pseudo);
        BinaryPrimitives.WriteUInt16BigEndian(headers[(merged.TcpOffset + 16)..], folded);
    }
}
