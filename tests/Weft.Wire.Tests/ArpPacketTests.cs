using CsCheck;
using Weft.Wire.Tests.Support;

namespace Weft.Wire.Tests;

public sealed class ArpPacketTests
{
    // "Who has 10.42.42.2? Tell 10.42.42.1" as the Linux kernel sent it (Captures/kernel-vxlan-4242.pcap, frame 1), checked by hand:
    // htype 1, ptype 0x0800, hlen 6, plen 4, op 1, sender 02:42:0a:2a:2a:01 / 10.42.42.1, target 00:00:00:00:00:00 / 10.42.42.2.
    private static readonly byte[] Request = Hex.Bytes("0001 0800 06 04 0001  02420a2a2a01 0a2a2a01  000000000000 0a2a2a02");

    [Fact]
    public void Reads_and_writes_a_kernel_arp_request()
    {
        Assert.True(ArpPacket.TryRead(Request, out var arp));
        Assert.True(arp.IsRequest);
        Assert.Equal(ArpPacket.OpRequest, arp.Operation);
        Assert.Equal(MacAddress.Parse("02:42:0a:2a:2a:01"), arp.SenderMac);
        Assert.Equal(IPv4Address.Parse("10.42.42.1"), arp.SenderIp);
        Assert.True(arp.TargetMac.IsZero);
        Assert.Equal(IPv4Address.Parse("10.42.42.2"), arp.TargetIp);
        var written = new byte[ArpPacket.Size];
        arp.Write(written);
        Assert.Equal(Request, written);
    }

    [Fact]
    public void Reply_swaps_roles_and_carries_the_owner_mac()
    {
        Assert.True(ArpPacket.TryRead(Request, out var request));
        var owner = MacAddress.Parse("02:42:0a:2a:2a:02");
        var reply = request.ReplyFrom(owner);
        var written = new byte[ArpPacket.Size];
        reply.Write(written);
        Assert.Equal(Hex.Bytes("0001 0800 06 04 0002  02420a2a2a02 0a2a2a02  02420a2a2a01 0a2a2a01"), written);
    }

    [Theory]
    [InlineData(-1, 0)]     // truncated to 27 bytes
    [InlineData(1, 0x06)]   // hardware type 6 (IEEE 802), not Ethernet
    [InlineData(2, 0x86)]   // protocol type 0x8600
    [InlineData(4, 8)]      // hardware length 8
    [InlineData(5, 16)]     // protocol length 16 (IPv6)
    [InlineData(7, 3)]      // operation 3 (RARP request)
    [InlineData(7, 0)]      // operation 0
    public void Malformed_packets_are_rejected(int offset, byte value)
    {
        var bytes = (byte[])Request.Clone();
        if (offset < 0) bytes = bytes[..^1];
        else bytes[offset] = value;
        Assert.False(ArpPacket.TryRead(bytes, out _));
    }

    [Fact]
    public void Round_trips()
    {
        Gen.Select(Gen.Bool.Select(request => request ? ArpPacket.OpRequest : ArpPacket.OpReply), Gens.Mac, Gens.IPv4, Gens.Mac, Gens.IPv4).Sample((op, sm, si, tm, ti) =>
        {
            var bytes = new byte[ArpPacket.Size];
            new ArpPacket(op, sm, si, tm, ti).Write(bytes);
            Assert.True(ArpPacket.TryRead(bytes, out var back));
            Assert.Equal((op, sm, si, tm, ti), (back.Operation, back.SenderMac, back.SenderIp, back.TargetMac, back.TargetIp));
        });
    }
}
