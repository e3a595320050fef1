using Weft.DataPlane.Counters;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>Head-end replication of broadcast and unknown multicast, and what is never flooded.</summary>
public sealed partial class MultiHostTests
{
    private static readonly MacAddress Mdns = MacAddress.Parse("01:00:5e:00:00:fb");
    private static readonly MacAddress AllNodes = MacAddress.Parse("33:33:00:00:00:01");

    [Fact]
    public void Broadcast_is_replicated_to_every_peer_of_the_vni()
    {
        var broadcast = Frames.Udp(_a.Mac, MacAddress.Broadcast, _a.Ip, IPv4Address.Parse("10.0.0.255"), 5000, 5001, 20);
        AssertFloodedToEveryPeer(broadcast);
    }

    [Fact]
    public void Ipv4_multicast_is_replicated_to_every_peer_of_the_vni()
    {
        var mdns = Frames.Udp(_a.Mac, Mdns, _a.Ip, IPv4Address.Parse("224.0.0.251"), 5353, 5353, 40);
        AssertFloodedToEveryPeer(mdns);
    }

    [Fact]
    public void Ipv6_multicast_is_replicated_to_every_peer_of_the_vni()
    {
        var linkLocal = UInt128.Parse("fe800000000000000242fffffe0a0002", System.Globalization.NumberStyles.HexNumber);
        var allNodes = UInt128.Parse("ff020000000000000000000000000001", System.Globalization.NumberStyles.HexNumber);
        AssertFloodedToEveryPeer(Frames.UdpV6(_a.Mac, AllNodes, linkLocal, allNodes, 5000, 30));
    }

    [Fact]
    public void Multicast_on_a_vni_without_peers_is_dropped_as_no_peers()
    {
        var lonely = _h1.Run("lonely", "10.9.0.2", OtherNet); // OtherNet has no peer on h1
        lonely.Send(Frames.Udp(lonely.Mac, Mdns, lonely.Ip, IPv4Address.Parse("224.0.0.251"), 5353, 5353, 40));
        lonely.Send(Frames.Udp(lonely.Mac, MacAddress.Broadcast, lonely.Ip, IPv4Address.Parse("10.9.0.255"), 5000, 5001, 20));

        AssertDroppedOnHost1Only(DropReason.NoPeers, 2);
    }

    [Fact]
    public void Arp_replies_and_gratuitous_arp_from_a_container_never_cross_the_underlay()
    {
        var gratuitous = new byte[EthernetHeader.Size + ArpPacket.Size];
        new EthernetHeader(MacAddress.Broadcast, _a.Mac, EtherType.Arp).Write(gratuitous);
        new ArpPacket(ArpPacket.OpReply, _a.Mac, _a.Ip, MacAddress.Broadcast, _a.Ip).Write(gratuitous.AsSpan(EthernetHeader.Size));
        var request = new ArpPacket(ArpPacket.OpRequest, _b.Mac, _b.Ip, default, _a.Ip);
        _a.Send(gratuitous);
        _a.Send(Frames.ArpReply(request, _a.Mac)); // an unsolicited reply to a remote container

        AssertDroppedOnHost1Only(DropReason.ArpNotForwarded, 2);
        Assert.Equal(0, _h1.Vtep.Counters.Snapshot().ArpAnswered);
        Assert.Empty(_b.Received);
        Assert.Empty(_c.Received);
    }

    /// <summary>Host 1 counted exactly <paramref name="count"/> drops, all for <paramref name="reason"/>, and sent nothing.</summary>
    private void AssertDroppedOnHost1Only(DropReason reason, int count)
    {
        Assert.True(SpinWait.SpinUntil(() => _h1.Vtep.Counters[reason] == count, 2000), $"{count} counted as {reason}");
        var snapshot = _h1.Vtep.Counters.Snapshot();
        Assert.Equal(count, snapshot.TotalDrops);
        Assert.Equal(0, snapshot.FloodedCopies);
        Assert.Equal(0, snapshot.Encapsulated);
        Assert.Empty(_fabric.Captured);
    }

    /// <summary>Sends <paramref name="frame"/> from container a: one copy to each of the two peers, delivered unchanged.</summary>
    private void AssertFloodedToEveryPeer(byte[] frame)
    {
        _a.Send(frame);
        Assert.True(SpinWait.SpinUntil(() => !_b.Received.IsEmpty && !_c.Received.IsEmpty, 2000), "both peers received the frame");
        Assert.Equal(frame, _b.Received.Single());
        Assert.Equal(frame, _c.Received.Single());
        var snapshot = _h1.Vtep.Counters.Snapshot();
        Assert.Equal(2, snapshot.FloodedCopies);
        Assert.Equal(2, snapshot.Encapsulated);
        Assert.Equal(0, snapshot.TotalDrops);
        var copies = _fabric.Captured.ToList();
        Assert.Equal(2, copies.Count);
        Assert.True(copies.Select(c => c.To).ToHashSet().SetEquals([_h2.Address, _h3.Address]), "one copy to each peer");
        Assert.All(copies, c => Assert.Equal(frame, c.Payload[VxlanHeader.Size..]));
    }
}
