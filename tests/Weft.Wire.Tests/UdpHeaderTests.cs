using System.Buffers.Binary;
using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class UdpHeaderTests
{
    // 1234 → 53, length 13, payload "hello" (odd length). Checksums computed independently with a Python
    // reference implementation of RFC 768 / RFC 8200 §8.1 (struct.pack pseudo-headers, 16-bit sums).
    private static readonly byte[] Datagram = Hex.Bytes("04d2 0035 000d 0000 68656c6c6f");
    private static readonly IPv4Address V4Source = IPv4Address.Parse("192.168.0.1");
    private static readonly IPv4Address V4Destination = IPv4Address.Parse("192.168.0.199");
    private static readonly UInt128 V6Source = IPv6HeaderTests.Address("2001:db8::1");
    private static readonly UInt128 V6Destination = IPv6HeaderTests.Address("2001:db8::2");
    private const ushort KnownV4Checksum = 0x34e2;
    private const ushort KnownV6Checksum = 0x5b86;

    private static byte[] WithChecksum(byte[] datagram, ushort checksum)
    {
        var copy = (byte[])datagram.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(6), checksum);
        return copy;
    }

    [Fact]
    public void Reads_and_writes_a_known_header()
    {
        Assert.True(UdpHeader.TryRead(Datagram, out var h));
        Assert.Equal((1234, 53, 13, 0), (h.SourcePort, h.DestinationPort, h.Length, h.Checksum));
        var written = new byte[UdpHeader.Size];
        new UdpHeader(1234, 53, 13, KnownV4Checksum).Write(written);
        Assert.Equal(WithChecksum(Datagram, KnownV4Checksum)[..8], written);
    }

    [Fact]
    public void Checksum_over_the_ipv4_pseudo_header_matches_the_known_value()
    {
        Assert.Equal(KnownV4Checksum, UdpHeader.ComputeChecksum(V4Source, V4Destination, Datagram));
        Assert.True(UdpHeader.IsChecksumValid(V4Source, V4Destination, WithChecksum(Datagram, KnownV4Checksum)));
        Assert.False(UdpHeader.IsChecksumValid(V4Source, V4Destination, WithChecksum(Datagram, KnownV4Checksum ^ 0x0100)));
        Assert.False(UdpHeader.IsChecksumValid(V4Source, IPv4Address.Parse("192.168.0.198"), WithChecksum(Datagram, KnownV4Checksum)));
    }

    [Fact]
    public void Checksum_over_the_ipv6_pseudo_header_matches_the_known_value()
    {
        Assert.Equal(KnownV6Checksum, UdpHeader.ComputeChecksum(V6Source, V6Destination, Datagram));
        Assert.True(UdpHeader.IsChecksumValid(V6Source, V6Destination, WithChecksum(Datagram, KnownV6Checksum)));
        Assert.False(UdpHeader.IsChecksumValid(V6Source, V6Destination, WithChecksum(Datagram, KnownV6Checksum ^ 0x0001)));
        Assert.False(UdpHeader.IsChecksumValid(V6Source, V6Destination + 1, WithChecksum(Datagram, KnownV6Checksum)));
    }

    [Fact]
    public void Zero_checksum_means_none_over_ipv4_but_is_invalid_over_ipv6()
    {
        Assert.True(UdpHeader.IsChecksumValid(V4Source, V4Destination, Datagram));
        Assert.False(UdpHeader.IsChecksumValid(V6Source, V6Destination, Datagram));
    }

    [Fact]
    public void A_computed_zero_is_sent_as_ffff_and_validates()
    {
        // Choose the last two payload bytes so the ones' complement sum is 0xFFFF, i.e. the checksum computes to zero.
        var datagram = Hex.Bytes("04d2 0035 000a 0000 0000");
        var rest = Reference.UdpChecksumIPv4(V4Source, V4Destination, datagram); // = ~sum with the filler word zero
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(8), rest);
        Assert.Equal(0, Reference.UdpChecksumIPv4(V4Source, V4Destination, datagram));
        Assert.Equal(0xFFFF, UdpHeader.ComputeChecksum(V4Source, V4Destination, datagram));
        Assert.True(UdpHeader.IsChecksumValid(V4Source, V4Destination, WithChecksum(datagram, 0xFFFF)));

        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(8), Reference.UdpChecksumIPv6(V6Source, V6Destination, datagram));
        Assert.Equal(0xFFFF, UdpHeader.ComputeChecksum(V6Source, V6Destination, datagram));
        Assert.True(UdpHeader.IsChecksumValid(V6Source, V6Destination, WithChecksum(datagram, 0xFFFF)));
    }

    [Fact]
    public void Malformed_headers_are_rejected()
    {
        Assert.False(UdpHeader.TryRead(Datagram[..7], out _));                 // truncated
        Assert.False(UdpHeader.TryRead(Datagram[..12], out _));                // length 13 beyond a 12-byte buffer
        var shortLength = (byte[])Datagram.Clone();
        shortLength[5] = 7;
        Assert.False(UdpHeader.TryRead(shortLength, out _));                   // length below 8
        Assert.False(UdpHeader.IsChecksumValid(V4Source, V4Destination, Datagram[..7]));
        Assert.False(UdpHeader.IsChecksumValid(V6Source, V6Destination, Datagram[..7]));
    }

    [Fact]
    public void Round_trips()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.UShort[8, 2000], Gen.UShort).Sample((sp, dp, length, checksum) =>
        {
            var datagram = new byte[length];
            new UdpHeader(sp, dp, length, checksum).Write(datagram);
            Assert.True(UdpHeader.TryRead(datagram, out var h));
            Assert.Equal((sp, dp, length, checksum), (h.SourcePort, h.DestinationPort, h.Length, h.Checksum));
        });
    }

    [Fact]
    public void Ipv4_checksums_agree_with_the_reference_and_validate()
    {
        Gen.Select(Gens.IPv4, Gens.IPv4, Gen.Byte.Array[0, 1500]).Sample((src, dst, payload) =>
        {
            var datagram = new byte[UdpHeader.Size + payload.Length];
            payload.CopyTo(datagram, UdpHeader.Size);
            new UdpHeader(4789, 49152, (ushort)datagram.Length).Write(datagram);
            var reference = Reference.UdpChecksumIPv4(src, dst, datagram);
            var c = UdpHeader.ComputeChecksum(src, dst, datagram);
            Assert.Equal(reference == 0 ? 0xFFFF : reference, c);
            Assert.True(UdpHeader.IsChecksumValid(src, dst, WithChecksum(datagram, c)));
        });
    }

    [Fact]
    public void Ipv6_checksums_agree_with_the_reference_and_validate()
    {
        Gen.Select(Gen.UInt128, Gen.UInt128, Gen.Byte.Array[0, 1500]).Sample((src, dst, payload) =>
        {
            var datagram = new byte[UdpHeader.Size + payload.Length];
            payload.CopyTo(datagram, UdpHeader.Size);
            new UdpHeader(4789, 49152, (ushort)datagram.Length).Write(datagram);
            var reference = Reference.UdpChecksumIPv6(src, dst, datagram);
            var c = UdpHeader.ComputeChecksum(src, dst, datagram);
            Assert.Equal(reference == 0 ? 0xFFFF : reference, c);
            Assert.True(UdpHeader.IsChecksumValid(src, dst, WithChecksum(datagram, c)));
        });
    }
}
