using System.Buffers.Binary;
using System.Net;
using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class IPv6HeaderTests
{
    // Version 6, traffic class 0xb8 (DSCP EF), flow label 0x12345, payload 13, next header UDP, hop limit 64,
    // 2001:db8::1 → 2001:db8::2.
    private static readonly byte[] Header = Hex.Bytes("6b81 2345 000d 11 40" +
        "2001 0db8 0000 0000 0000 0000 0000 0001" + "2001 0db8 0000 0000 0000 0000 0000 0002");

    internal static UInt128 Address(string text) => BinaryPrimitives.ReadUInt128BigEndian(IPAddress.Parse(text).GetAddressBytes());

    [Fact]
    public void Reads_and_writes_a_known_header()
    {
        var packet = (byte[])[.. Header, .. new byte[13]];
        Assert.True(IPv6Header.TryRead(packet, out var h));
        Assert.Equal(0xb8, h.TrafficClass);
        Assert.Equal(0x12345u, h.FlowLabel);
        Assert.Equal(13, h.PayloadLength);
        Assert.Equal(IPv4Header.ProtocolUdp, h.NextHeader);
        Assert.Equal(64, h.HopLimit);
        Assert.Equal(Address("2001:db8::1"), h.Source);
        Assert.Equal(Address("2001:db8::2"), h.Destination);
        var written = new byte[IPv6Header.Size];
        h.Write(written);
        Assert.Equal(Header, written);
    }

    [Fact]
    public void Flow_label_keeps_20_bits()
    {
        Assert.Equal(0xFFFFFu, new IPv6Header(0, 0, 17, 0, flowLabel: uint.MaxValue).FlowLabel);
    }

    [Fact]
    public void Malformed_headers_are_rejected()
    {
        var packet = (byte[])[.. Header, .. new byte[13]];
        Assert.False(IPv6Header.TryRead(packet[..39], out _));          // truncated
        Assert.False(IPv6Header.TryRead(packet[..^1], out _));          // payload length beyond the buffer
        var v4 = (byte[])packet.Clone();
        v4[0] = 0x4b;
        Assert.False(IPv6Header.TryRead(v4, out _));                    // version 4
    }

    [Fact]
    public void Round_trips()
    {
        Gen.Select(Gen.UInt128, Gen.UInt128, Gen.Byte, Gen.UShort[0, 200], Gen.Byte, Gen.Byte, Gen.UInt[0, 0xFFFFF]).Sample(t =>
        {
            var (src, dst, next, payload, hop, tc, flow) = t;
            var packet = new byte[IPv6Header.Size + payload];
            new IPv6Header(src, dst, next, payload, hop, tc, flow).Write(packet);
            Assert.True(IPv6Header.TryRead(packet, out var h));
            Assert.Equal((src, dst, next, payload, hop, tc, flow),
                (h.Source, h.Destination, h.NextHeader, h.PayloadLength, h.HopLimit, h.TrafficClass, h.FlowLabel));
        });
    }
}
