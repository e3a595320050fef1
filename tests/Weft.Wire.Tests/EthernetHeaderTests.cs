using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class EthernetHeaderTests
{
    private static readonly byte[] ArpBroadcast = Hex.Bytes("ff ff ff ff ff ff  02 42 0a 2a 2a 01  08 06");

    // The same frame with an 802.1Q tag: PCP 1, DEI 0, VLAN 100 (TCI 0x2064), carrying IPv4.
    private static readonly byte[] Tagged = Hex.Bytes("02 42 0a 2a 2a 02  02 42 0a 2a 2a 01  81 00 20 64  08 00" +
        "45000054070a40004001cb480a2a2a010a2a2a02" + new string('0', 2 * 64));

    [Fact]
    public void Reads_an_untagged_header()
    {
        Assert.True(EthernetHeader.TryRead(ArpBroadcast, out var h));
        Assert.Equal(MacAddress.Broadcast, h.Destination);
        Assert.Equal(MacAddress.Parse("02:42:0a:2a:2a:01"), h.Source);
        Assert.Equal(EtherType.Arp, h.EtherType);
        Assert.Null(h.VlanTci);
        Assert.Equal(14, h.HeaderLength);
        var written = new byte[14];
        h.Write(written);
        Assert.Equal(ArpBroadcast, written);
    }

    [Fact]
    public void Skips_one_8021q_tag_and_keeps_its_tci()
    {
        Assert.True(EthernetHeader.TryRead(Tagged, out var h));
        Assert.Equal(EtherType.IPv4, h.EtherType);
        Assert.Equal((ushort)0x2064, h.VlanTci);
        Assert.Equal(18, h.HeaderLength);
        Assert.True(IPv4Header.TryRead(Tagged.AsSpan(h.HeaderLength), out var ip));
        Assert.Equal(IPv4Address.Parse("10.42.42.1"), ip.Source);
        var written = new byte[18];
        h.Write(written);
        Assert.Equal(Tagged[..18], written);
    }

    [Fact]
    public void With_vlan_writes_the_tag()
    {
        var h = new EthernetHeader(MacAddress.Parse("02:42:0a:2a:2a:02"), MacAddress.Parse("02:42:0a:2a:2a:01"), EtherType.IPv4).WithVlan(0x2064);
        var written = new byte[h.HeaderLength];
        h.Write(written);
        Assert.Equal(Tagged[..18], written);
    }

    [Fact]
    public void Truncated_headers_are_rejected()
    {
        Assert.False(EthernetHeader.TryRead(ArpBroadcast[..13], out _));
        Assert.False(EthernetHeader.TryRead([], out _));
        Assert.False(EthernetHeader.TryRead(Tagged[..17], out _)); // tag announced, inner EtherType missing
        Assert.True(EthernetHeader.TryRead(Tagged[..18], out _));
    }

    [Fact]
    public void Round_trips_with_and_without_a_tag()
    {
        Gen.Select(Gens.Mac, Gens.Mac, Gen.UShort, Gen.Nullable(Gen.UShort)).Sample((dst, src, type, tci) =>
        {
            if (type == EtherType.Vlan) return; // a tagged EtherType inside the payload type is not a thing Weft writes
            var h = new EthernetHeader(dst, src, type);
            if (tci is { } t) h = h.WithVlan(t);
            var bytes = new byte[h.HeaderLength];
            h.Write(bytes);
            Assert.True(EthernetHeader.TryRead(bytes, out var back));
            Assert.Equal((dst, src, type, tci, h.HeaderLength), (back.Destination, back.Source, back.EtherType, back.VlanTci, back.HeaderLength));
        });
    }
}
