using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Weft.DataPlane.Offload;

/// <summary>
/// Software TSO: cuts a TCP super-frame the kernel handed over through a TAP with a GSO virtio header into ordinary
/// Ethernet frames of at most <c>segmentSize</c> payload bytes, as the kernel's own tcp_gso_segment would. Each segment
/// gets a copy of the Ethernet/IP/TCP headers with the IPv4 total length, identification (+1 per segment) and header
/// checksum, or the IPv6 payload length, fixed; the sequence number advanced; FIN and PSH kept only on the last
/// segment and CWR only on the first; and a complete TCP checksum (the receiver verifies it, nothing is left partial).
/// </summary>
internal static class TcpSegmenter
{
    /// <summary>How many segments <paramref name="frame"/> yields with <paramref name="segmentSize"/>.</summary>
    public static int SegmentCount(in TcpFrame frame, int segmentSize) =>
        segmentSize <= 0 ? 0 : Math.Max(1, (frame.PayloadLength + segmentSize - 1) / segmentSize);

    /// <summary>
    /// Writes segment <paramref name="index"/> of <paramref name="superFrame"/> into <paramref name="destination"/> and
    /// returns its length (0 when <paramref name="destination"/> is too small or the index is out of range).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    public static int WriteSegment(ReadOnlySpan<byte> superFrame, in TcpFrame frame, int segmentSize, int index, Span<byte> destination)
    {
        var count = SegmentCount(frame, segmentSize);
        if ((uint)index >= (uint)count) return 0;
        var payloadStart = index * segmentSize;
        var payloadLength = Math.Min(segmentSize, frame.PayloadLength - payloadStart);
        var headers = frame.HeadersLength;
        var length = headers + payloadLength;
        if (length > destination.Length) return 0;
        superFrame[..headers].CopyTo(destination);
        superFrame.Slice(headers + payloadStart, payloadLength).CopyTo(destination[headers..]);
        var segment = frame.WithLength(length);

        var ip = destination[frame.IpOffset..];
        if (!frame.IsIPv6)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(id + index));
        }
        frame.SetIpLength(destination, length);

        var tcp = destination[frame.TcpOffset..];
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], unchecked(sequence + (uint)payloadStart));
        if (index != count - 1) tcp[TcpFrame.TcpFlagsOffset] &= unchecked((byte)~(TcpFrame.Fin | TcpFrame.Psh));
        if (index != 0) tcp[TcpFrame.TcpFlagsOffset] &= unchecked((byte)~TcpFrame.Cwr);
        segment.FillChecksum(destination);
        return length;
    }
}
