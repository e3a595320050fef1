using System.Buffers.Binary;
using Weft.DataPlane.Offload;

namespace Weft.DataPlane.Tests.Offload;

public sealed class TcpSegmenterTests
{
    private const byte Ack = 0x10, Psh = 0x08, Fin = 0x01, Cwr = 0x80;

    private static List<byte[]> Split(byte[] superFrame, int mss)
    {
        Assert.True(TcpFrame.TryParse(superFrame, lengthFromFrame: true, out var tcp));
        var segments = new List<byte[]>();
        var buffer = new byte[70000];
        for (var i = 0; i < TcpSegmenter.SegmentCount(tcp, mss); i++)
        {
            var n = TcpSegmenter.WriteSegment(superFrame, tcp, mss, i, buffer);
            Assert.True(n > 0);
            segments.Add(buffer[..n]);
        }
        return segments;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_super_frame_is_cut_into_mss_sized_segments_with_fixed_headers_and_valid_checksums(bool ipv6)
    {
        var payload = TcpFrames.Payload(3500);
        var super = TcpFrames.Make(ipv6, seq: 0xfffff000, flags: Ack | Psh | Fin | Cwr, payload, ipId: 0xfffe);
        super[14 + TcpFrames.IpHeaderLength(super) + 16] ^= 0x5a; // the kernel leaves the checksum partial: must not matter

        var segments = Split(super, 1448);

        Assert.Equal([1448, 1448, 604], segments.Select(s => TcpFrames.PayloadOf(s).Length));
        Assert.Equal(payload, segments.SelectMany(TcpFrames.PayloadOf).ToArray());
        for (var i = 0; i < segments.Count; i++)
        {
            var s = segments[i];
            Assert.Equal(super[..14], s[..14]); // Ethernet header replicated
            Assert.True(TcpFrames.TcpChecksumValid(s), $"segment {i} TCP checksum");
            Assert.Equal(unchecked(0xfffff000u + (uint)(i * 1448)), TcpFrames.Seq(s));
            var expectedFlags = (byte)(Ack | (i == 0 ? Cwr : 0) | (i == 2 ? Psh | Fin : 0));
            Assert.Equal(expectedFlags, TcpFrames.Flags(s));
            if (ipv6)
            {
                Assert.Equal(s.Length - 54, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(18)));
            }
            else
            {
                Assert.Equal(s.Length - 14, BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(16)));
                Assert.Equal((ushort)(0xfffe + i), BinaryPrimitives.ReadUInt16BigEndian(s.AsSpan(18)));
                Assert.True(TcpFrames.IPv4HeaderValid(s), $"segment {i} IPv4 header checksum");
            }
            Assert.Equal(super.AsSpan(14 + TcpFrames.IpHeaderLength(super) + 20, 12).ToArray(), s.AsSpan(14 + TcpFrames.IpHeaderLength(s) + 20, 12).ToArray()); // options
        }
    }

    [Fact]
    public void Any_payload_length_and_mss_round_trips_with_valid_checksums()
    {
        Gen.Select(Gen.Int[1, 20000], Gen.Int[100, 9000], Gen.Bool).Sample((length, mss, ipv6) =>
        {
            var payload = TcpFrames.Payload(length);
            var segments = Split(TcpFrames.Make(ipv6, 1, Ack, payload), mss);
            Assert.Equal((length + mss - 1) / mss, segments.Count);
            Assert.Equal(payload, segments.SelectMany(TcpFrames.PayloadOf).ToArray());
            Assert.All(segments, s => Assert.True(TcpFrames.TcpChecksumValid(s)));
        }, iter: 200);
    }

    [Fact]
    public void A_destination_too_small_yields_nothing_instead_of_throwing()
    {
        var super = TcpFrames.Make(false, 1, Ack, TcpFrames.Payload(3000));
        Assert.True(TcpFrame.TryParse(super, lengthFromFrame: true, out var tcp));
        Assert.Equal(0, TcpSegmenter.WriteSegment(super, tcp, 1448, 0, new byte[100]));
        Assert.Equal(0, TcpSegmenter.WriteSegment(super, tcp, 1448, 5, new byte[2000]));
    }

    [Fact]
    public void Non_tcp_and_truncated_frames_are_not_parsed()
    {
        var frame = TcpFrames.Make(false, 1, Ack, TcpFrames.Payload(10));
        Assert.False(TcpFrame.TryParse(frame.AsSpan(0, 40), lengthFromFrame: true, out _));
        var udp = (byte[])frame.Clone();
        udp[23] = 17;
        Assert.False(TcpFrame.TryParse(udp, lengthFromFrame: true, out _));
        var fragment = (byte[])frame.Clone();
        fragment[20] |= 0x20; // MF
        Assert.False(TcpFrame.TryParse(fragment, lengthFromFrame: true, out _));
    }
}
