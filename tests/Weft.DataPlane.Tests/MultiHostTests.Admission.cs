using Weft.DataPlane.Counters;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>
/// Admission on receive is per network: a sender is admitted on a VNI only if it is a peer of that VNI (being a peer of
/// another network on the same host is not enough), and an admitted frame reaches only its own VNI's device.
/// </summary>
public sealed partial class MultiHostTests
{
    private static readonly MacAddress IntruderMac = MacAddress.Parse("02:42:0a:09:00:09");
    private static readonly IPv4Address IntruderIp = IPv4Address.Parse("10.9.0.9");

    [Fact]
    public void A_peer_of_one_network_is_not_admitted_on_another_network_of_the_same_host()
    {
        var other = _h2.Network(OtherNet);
        _h2.Vtep.Table.AddPeer(OtherNet, _h3.Address); // only h3 is a peer of OtherNet on h2
        Assert.True(_h2.Vtep.Table.IsPeer(AppNet, _h1.Address), "precondition: h1 is a peer of AppNet on h2");
        Assert.False(_h2.Vtep.Table.IsPeer(OtherNet, _h1.Address), "precondition: h1 is no peer of OtherNet on h2");
        var datagram = Encapsulate(OtherNet, Frames.IcmpEcho(IntruderMac, _b.Mac, IntruderIp, _b.Ip, IcmpEcho.TypeEchoRequest, 5, 5));

        _fabric.Inject(_h1.Address, _h2.Address, datagram);
        Assert.True(SpinWait.SpinUntil(() => _h2.Vtep.Counters[DropReason.UnknownPeer] == 1, 2000), "h1's datagram counted as UnknownPeer");

        // The same datagram from the real peer goes through, so the drop above was admission and nothing else.
        _fabric.Inject(_h3.Address, _h2.Address, datagram);
        Assert.True(SpinWait.SpinUntil(() => other.Written.Count == 1, 2000), "h3's datagram reached h2's OtherNet device");
        var snapshot = _h2.Vtep.Counters.Snapshot();
        Assert.Equal(1, snapshot.Drops[DropReason.UnknownPeer]);
        Assert.Equal(1, snapshot.TotalDrops);
        Assert.Equal(1, snapshot.Decapsulated);
        Assert.Equal(datagram[VxlanHeader.Size..], other.Written.Single());
        Assert.Empty(_b.Received);
    }

    [Fact]
    public void A_frame_received_on_one_network_never_reaches_a_container_of_another_network()
    {
        var other = _h2.Network(OtherNet);
        _h2.Vtep.Table.AddPeer(OtherNet, _h1.Address);
        var inner = Frames.IcmpEcho(IntruderMac, _b.Mac, IntruderIp, _b.Ip, IcmpEcho.TypeEchoRequest, 6, 6); // b's MAC, but b is on AppNet

        _fabric.Inject(_h1.Address, _h2.Address, Encapsulate(OtherNet, inner));
        Assert.True(SpinWait.SpinUntil(() => _h2.Vtep.Counters.Snapshot().Decapsulated == 1, 2000), "the datagram was admitted on OtherNet");

        Assert.Equal(inner, other.Written.Single());
        Assert.Empty(_h2.Network(AppNet).Written);
        Assert.Empty(_b.Received);
        Assert.Equal(0, _h2.Vtep.Counters.Snapshot().TotalDrops);
        Assert.True(_a.Ping(_b.Ip, 7), "AppNet itself still works");
    }
}
