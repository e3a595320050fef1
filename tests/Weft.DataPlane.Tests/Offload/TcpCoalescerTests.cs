using System.Buffers.Binary;
using Weft.DataPlane.Offload;

namespace Weft.DataPlane.Tests.Offload;

public sealed class TcpCoalescerTests
{
    private const byte Ack = 0x10, Psh = 0x08;

    /// <summary>Coalesces <paramref name="frames"/> from the first as far as the rules allow; returns the super-frame and how many joined.</summary>
    private static (byte[] Frame, int Count) Coalesce(params byte[][] frames)
    {
        Assert.True(TcpCoalescer.IsCandidate(frames[0], out var head));
        var headers = new byte[256];
        var headersLength = TcpCoalescer.Begin(frames[0], head, headers);
        var payloads = new List<byte>(frames[0][headersLength..]);
        var count = 1;
        foreach (var next in frames.Skip(1))
        {
            if (!TcpCoalescer.IsCandidate(next, out var nextTcp) || !TcpCoalescer.CanAppend(frames[0], head, payloads.Count, head.PayloadLength, next, nextTcp)) break;
            TcpCoalescer.TakeFlags(headers, head, next, nextTcp);
            payloads.AddRange(next[nextTcp.HeadersLength..]);
            count++;
            if (nextTcp.PayloadLength < head.PayloadLength || TcpCoalescer.EndsGroup(next, nextTcp)) break;
        }
        TcpCoalescer.Finish(headers, headersLength + payloads.Count, head);
        return ([.. headers[..headersLength], .. payloads], count);
    }

    private static byte[][] Stream(bool ipv6, params int[] lengths)
    {
        var seq = 1000u;
        var frames = new List<byte[]>();
        for (var i = 0; i < lengths.Length; i++)
        {
            frames.Add(TcpFrames.Make(ipv6, seq, i == lengths.Length - 1 ? (byte)(Ack | Psh) : Ack, TcpFrames.Payload(lengths[i]), ipId: (ushort)(7 + i)));
            seq += (uint)lengths[i];
        }
        return [.. frames];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void In_order_segments_of_a_flow_become_one_super_frame_with_a_partial_checksum(bool ipv6)
    {
        var frames = Stream(ipv6, 1448, 1448, 1448, 600);
        var (super, count) = Coalesce(frames);

        Assert.Equal(4, count);
        Assert.Equal(frames.SelectMany(TcpFrames.PayloadOf).ToArray(), TcpFrames.PayloadOf(super));
        Assert.Equal(frames[0][..14], super[..14]);
        Assert.Equal(1000u, TcpFrames.Seq(super));
        Assert.Equal(Ack | Psh, TcpFrames.Flags(super)); // the last segment's PSH
        if (ipv6)
        {
            Assert.Equal(super.Length - 54, BinaryPrimitives.ReadUInt16BigEndian(super.AsSpan(18)));
        }
        else
        {
            Assert.Equal(super.Length - 14, BinaryPrimitives.ReadUInt16BigEndian(super.AsSpan(16)));
            Assert.Equal(7, BinaryPrimitives.ReadUInt16BigEndian(super.AsSpan(18))); // the first segment's ID
            Assert.True(TcpFrames.IPv4HeaderValid(super));
        }
        // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum; completing it the way the kernel would
        // (checksum over the segment from csum_start with that field in place) gives a valid segment.
        var completed = (byte[])super.Clone();
        var tcpOffset = 14 + TcpFrames.IpHeaderLength(super);
        var partial = TcpFrames.Sum(completed.AsSpan(tcpOffset));
        BinaryPrimitives.WriteUInt16BigEndian(completed.AsSpan(tcpOffset + 16), (ushort)~partial);
        Assert.True(TcpFrames.TcpChecksumValid(completed));
    }

    [Fact]
    public void Segments_split_then_coalesced_give_back_the_original_bytes()
    {
        var payload = TcpFrames.Payload(10000);
        var original = TcpFrames.Make(false, 5, Ack | Psh, payload, ipId: 40);
        Assert.True(TcpFrame.TryParse(original, lengthFromFrame: true, out var tcp));
        var segments = new List<byte[]>();
        for (var i = 0; i < TcpSegmenter.SegmentCount(tcp, 1400); i++)
        {
            var buffer = new byte[2000];
            segments.Add(buffer[..TcpSegmenter.WriteSegment(original, tcp, 1400, i, buffer)]);
        }
        var (super, count) = Coalesce([.. segments]);
        Assert.Equal(segments.Count, count);
        var tcpOffset = 34;
        // Everything but the TCP checksum field (partial now) is byte-identical to the frame before segmentation.
        Assert.Equal(original[..(tcpOffset + 16)], super[..(tcpOffset + 16)]);
        Assert.Equal(original[(tcpOffset + 18)..], super[(tcpOffset + 18)..]);
    }

    [Fact]
    public void A_sequence_gap_ends_the_group()
    {
        var frames = Stream(false, 1448, 1448, 1448);
        BinaryPrimitives.WriteUInt32BigEndian(frames[2].AsSpan(34 + 4), 999_999);
        Refresh(frames[2]);
        Assert.Equal(2, Coalesce(frames).Count);
    }

    [Fact]
    public void Another_flow_a_bad_checksum_or_a_larger_segment_after_a_smaller_one_is_not_merged()
    {
        var a = Stream(false, 1448, 1448);
        var otherFlow = TcpFrames.Make(false, 1000 + 1448, Ack, TcpFrames.Payload(1448), srcPort: 40001);
        Assert.Equal(1, Coalesce(a[0], otherFlow).Count);

        var corrupt = (byte[])a[1].Clone();
        corrupt[^1] ^= 0xff;
        Assert.False(TcpCoalescer.IsCandidate(corrupt, out _));
        Assert.Equal(1, Coalesce(a[0], corrupt).Count);

        var small = Stream(false, 1000, 1448);
        Assert.Equal(1, Coalesce(small).Count);
    }

    [Fact]
    public void Psh_ends_a_group_and_control_segments_are_never_candidates()
    {
        var frames = Stream(false, 1448, 1448, 1448);
        frames[1][34 + 13] = Ack | Psh;
        Refresh(frames[1]);
        Assert.Equal(2, Coalesce(frames).Count);

        var syn = TcpFrames.Make(false, 1, 0x02, TcpFrames.Payload(10));
        Assert.False(TcpCoalescer.IsCandidate(syn, out _));
        var pureAck = TcpFrames.Make(false, 1, Ack, []);
        Assert.False(TcpCoalescer.IsCandidate(pureAck, out _));
    }

    [Fact]
    public void The_merged_packet_stays_within_64_KiB()
    {
        var frames = Stream(false, Enumerable.Repeat(8000, 10).ToArray());
        var (super, count) = Coalesce(frames);
        Assert.Equal(8, count);
        Assert.True(super.Length - 14 <= 65535);
    }

    private static void Refresh(byte[] frame)
    {
        var tcpOffset = 14 + TcpFrames.IpHeaderLength(frame);
        frame[tcpOffset + 16] = 0;
        frame[tcpOffset + 17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(tcpOffset + 16), (ushort)~TcpFrames.TcpSum(frame));
    }
}
