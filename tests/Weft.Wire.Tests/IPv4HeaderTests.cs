using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class IPv4HeaderTests
{
    // The classic worked example (Wikipedia "IPv4 header checksum"): UDP 192.168.0.1 → 192.168.0.199, total length 0x73,
    // DF, TTL 64, checksum 0xb861.
    private static readonly byte[] Classic = Hex.Bytes("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");

    // An ICMP echo request the Linux kernel sent (Captures/kernel-vxlan-4242.pcap, inner header of frame 3): checksum 0xcb48.
    private static readonly byte[] Kernel = Hex.Bytes("4500 0054 070a 4000 4001 cb48 0a2a 2a01 0a2a 2a02");

    private static byte[] WithPayload(byte[] header, int totalLength) => [.. header, .. new byte[totalLength - header.Length]];

    [Fact]
    public void Reads_the_classic_example_and_validates_its_checksum()
    {
        var packet = WithPayload(Classic, 0x73);
        Assert.True(IPv4Header.TryRead(packet, out var h));
        Assert.Equal(IPv4Address.Parse("192.168.0.1"), h.Source);
        Assert.Equal(IPv4Address.Parse("192.168.0.199"), h.Destination);
        Assert.Equal(IPv4Header.ProtocolUdp, h.Protocol);
        Assert.Equal(0x73, h.TotalLength);
        Assert.Equal(64, h.Ttl);
        Assert.Equal(IPv4Header.FlagDontFragment, h.FlagsAndFragment);
        Assert.False(h.IsFragment);
        Assert.Equal(20, h.HeaderLength);
        Assert.Equal(0x73 - 20, h.PayloadLength);
        Assert.Equal(0xb861, h.Checksum);
        Assert.True(IPv4Header.IsChecksumValid(packet));
    }

    [Theory]
    [InlineData("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7", 0x73)]
    [InlineData("4500 0054 070a 4000 4001 cb48 0a2a 2a01 0a2a 2a02", 0x54)]
    public void Writes_known_headers_byte_for_byte_with_their_checksum(string hex, int totalLength)
    {
        var expected = Hex.Bytes(hex);
        Assert.True(IPv4Header.TryRead(WithPayload(expected, totalLength), out var read));
        var rebuilt = new IPv4Header(read.Source, read.Destination, read.Protocol, read.TotalLength, read.Ttl, read.Identification,
            read.FlagsAndFragment, read.Tos);
        var written = new byte[20];
        rebuilt.Write(written);
        Assert.Equal(expected, written);
    }

    [Fact]
    public void Options_are_skipped_and_covered_by_the_checksum()
    {
        // IHL 6: one 4-byte option (NOP NOP NOP EOL); checksum computed over all 24 bytes.
        var header = Hex.Bytes("4600 0020 1234 0000 4006 0000 0a00 0001 0a00 0002 0101 0100");
        var c = Checksum.Compute(header);
        header[10] = (byte)(c >> 8);
        header[11] = (byte)c;
        var packet = WithPayload(header, 0x20);
        Assert.True(IPv4Header.TryRead(packet, out var h));
        Assert.Equal(24, h.HeaderLength);
        Assert.Equal(8, h.PayloadLength);
        Assert.True(IPv4Header.IsChecksumValid(packet));
        packet[21] ^= 0xFF; // an option byte
        Assert.False(IPv4Header.IsChecksumValid(packet));
    }

    [Fact]
    public void A_wrong_checksum_is_reported_but_does_not_stop_parsing()
    {
        var packet = WithPayload(Kernel, 0x54);
        packet[11] ^= 1;
        Assert.True(IPv4Header.TryRead(packet, out _));
        Assert.False(IPv4Header.IsChecksumValid(packet));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("version 6")]
    [InlineData("IHL 4")]
    [InlineData("IHL beyond buffer")]
    [InlineData("total length beyond buffer")]
    [InlineData("total length below IHL")]
    public void Malformed_headers_are_rejected(string defect)
    {
        var packet = WithPayload(Kernel, 0x54);
        switch (defect)
        {
            case "truncated": packet = packet[..19]; break;
            case "version 6": packet[0] = 0x65; break;
            case "IHL 4": packet[0] = 0x44; break;
            case "IHL beyond buffer": packet = packet[..40]; packet[0] = 0x4F; packet[3] = 40; break;
            case "total length beyond buffer": packet = packet[..^1]; break;
            case "total length below IHL": packet[2] = 0; packet[3] = 19; break;
        }
        Assert.False(IPv4Header.TryRead(packet, out _));
    }

    [Fact]
    public void Checksum_validation_rejects_short_or_bad_ihl_input()
    {
        Assert.False(IPv4Header.IsChecksumValid(Kernel[..19]));
        var bad = (byte[])Kernel.Clone();
        bad[0] = 0x44;
        Assert.False(IPv4Header.IsChecksumValid(bad));
        bad[0] = 0x46; // IHL 6 but only 20 bytes
        Assert.False(IPv4Header.IsChecksumValid(bad));
    }

    [Fact]
    public void Fragments_are_recognised()
    {
        Assert.True(new IPv4Header(default, default, 17, 20, flagsAndFragment: 0x2000).IsFragment);  // MF
        Assert.True(new IPv4Header(default, default, 17, 20, flagsAndFragment: 0x00B9).IsFragment);  // offset 185
        Assert.False(new IPv4Header(default, default, 17, 20).IsFragment);                            // DF only
    }

    [Fact]
    public void Round_trips_with_a_valid_checksum()
    {
        var gen = Gen.Select(Gens.IPv4, Gens.IPv4, Gen.Byte, Gen.UShort[20, 1500], Gen.Byte, Gen.UShort, Gen.UShort, Gen.Byte);
        gen.Sample(t =>
        {
            var (src, dst, proto, total, ttl, id, flags, tos) = t;
            var packet = new byte[total];
            new IPv4Header(src, dst, proto, total, ttl, id, flags, tos).Write(packet);
            Assert.True(IPv4Header.TryRead(packet, out var h));
            Assert.Equal((src, dst, proto, total, ttl, id, flags, tos, 20),
                (h.Source, h.Destination, h.Protocol, h.TotalLength, h.Ttl, h.Identification, h.FlagsAndFragment, h.Tos, h.HeaderLength));
            Assert.True(IPv4Header.IsChecksumValid(packet));
            Assert.Equal(Reference.InternetChecksum([.. packet[..10], 0, 0, .. packet[12..20]]), h.Checksum);
        });
    }

    // IGMPv2 report to 224.0.0.251 with the Router Alert option (RFC 2113: 94 04 00 00), IHL 6, TOS 0xc0, TTL 1; checksum
    // 0xf91b computed independently (Python, RFC 1071 over the 24 bytes).
    private const string RouterAlert = "46c0 0020 0000 4000 0102 f91b 0a00 0001 e000 00fb 9404 0000";

    [Fact]
    public void Writes_a_header_with_options_byte_for_byte_with_ihl_and_checksum_covering_them()
    {
        var header = new IPv4Header(IPv4Address.Parse("10.0.0.1"), IPv4Address.Parse("224.0.0.251"), 2, 0x20, ttl: 1, tos: 0xc0);
        var written = new byte[0x20];
        Assert.True(header.TryWrite(written, Hex.Bytes("9404 0000")));
        Assert.Equal(Hex.Bytes(RouterAlert), written[..24]);
        Assert.Equal(new byte[8], written[24..]); // nothing written past the header
    }

    [Fact]
    public void Writing_without_options_matches_the_plain_write()
    {
        var header = new IPv4Header(IPv4Address.Parse("192.168.0.1"), IPv4Address.Parse("192.168.0.199"), IPv4Header.ProtocolUdp, 0x73);
        var plain = new byte[20];
        var withNone = new byte[20];
        header.Write(plain);
        Assert.True(header.TryWrite(withNone, []));
        Assert.Equal(plain, withNone);
        Assert.Equal(Classic, plain);
    }

    [Theory]
    [InlineData(3, 60, 60)]   // not a multiple of 4
    [InlineData(44, 80, 80)]  // beyond IHL 15
    [InlineData(8, 24, 60)]   // total length below the 28-byte header
    [InlineData(8, 60, 27)]   // destination shorter than the header
    public void Refuses_options_it_cannot_encode_and_writes_nothing(int optionsLength, int totalLength, int destinationLength)
    {
        var header = new IPv4Header(IPv4Address.Parse("10.0.0.1"), IPv4Address.Parse("10.0.0.2"), IPv4Header.ProtocolTcp, (ushort)totalLength);
        var destination = new byte[destinationLength];
        Assert.False(header.TryWrite(destination, new byte[optionsLength]));
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Round_trips_with_options_and_a_valid_checksum()
    {
        var options = Gen.Int[0, IPv4Header.MaxOptionsLength / 4].SelectMany(words => Gen.Byte.Array[words * 4]);
        var gen = Gen.Select(Gen.Select(Gens.IPv4, Gens.IPv4, Gen.Byte, Gen.UShort[60, 1500]), Gen.Select(Gen.Byte, Gen.UShort, Gen.UShort, Gen.Byte), options);
        gen.Sample(t =>
        {
            var ((src, dst, proto, total), (ttl, id, flags, tos), opts) = t;
            var packet = new byte[total];
            Assert.True(new IPv4Header(src, dst, proto, total, ttl, id, flags, tos).TryWrite(packet, opts));
            Assert.True(IPv4Header.TryRead(packet, out var h));
            Assert.Equal((src, dst, proto, total, ttl, id, flags, tos, 20 + opts.Length),
                (h.Source, h.Destination, h.Protocol, h.TotalLength, h.Ttl, h.Identification, h.FlagsAndFragment, h.Tos, h.HeaderLength));
            Assert.Equal(total - 20 - opts.Length, h.PayloadLength);
            Assert.Equal(opts, packet[20..h.HeaderLength]);
            Assert.True(IPv4Header.IsChecksumValid(packet));
            Assert.Equal(Reference.InternetChecksum([.. packet[..10], 0, 0, .. packet[12..h.HeaderLength]]), h.Checksum);
        });
    }
}
