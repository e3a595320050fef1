using Weft.DataPlane.Counters;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>
/// A VTEP outside the cluster as a peer of a network: h4 plays it (a learning VTEP that floods to h1 and h2, as a Linux
/// vxlan device with two all-zeros FDB entries would), with a machine behind it at an address nobody's store knows.
/// </summary>
public sealed partial class MultiHostTests
{
    private SimulatedHost ExternalVtep(out FakeContainer machine)
    {
        var h4 = new SimulatedHost(_fabric, "198.51.100.50");
        machine = h4.Run("aux", "10.0.0.50", AppNet);
        h4.Vtep.Table.SetExternalPeers(AppNet, [_h1.Address, _h2.Address]); // from its side, Weft's hosts are the unknown VTEPs
        _h1.Vtep.Table.SetExternalPeers(AppNet, [h4.Address]);
        _h2.Vtep.Table.SetExternalPeers(AppNet, [h4.Address]);
        return h4;
    }

    [Fact]
    public void A_machine_behind_an_external_vtep_and_containers_on_two_hosts_ping_each_other_both_ways()
    {
        using var h4 = ExternalVtep(out var aux);

        Assert.True(aux.Ping(_a.Ip, 1), "aux -> a (ARP flooded by the external VTEP, the reply forwarded back by h1)");
        Assert.True(_b.Ping(aux.Ip, 2), "b -> aux (b's ARP request goes to the external peer, not answered locally)");
        Assert.True(_a.Ping(aux.Ip, 3), "a -> aux");
        Assert.True(aux.Ping(_b.Ip, 4), "aux -> b");

        Assert.True(_h1.Vtep.Table.TryGetVtep(AppNet, aux.Mac, out var behind));
        Assert.True(behind.SameAddress(h4.Address), "h1 learned aux's MAC behind the external VTEP");
        Assert.Equal(1, _h1.Vtep.Table.Learned.Count(AppNet));
        Assert.Equal(1, _h2.Vtep.Table.Learned.Count(AppNet));
        Assert.Equal(0, _h3.Vtep.Table.Learned.Count(AppNet)); // h3 has no external peer
    }

    [Fact]
    public void Macs_are_learned_only_from_external_peers_and_never_over_a_container_the_store_knows()
    {
        using var h4 = ExternalVtep(out _);
        var stranger = MacAddress.Parse("02:00:00:00:00:77");

        // From a Weft host (h2 is a peer, not an external one): delivered, not learned.
        _fabric.Inject(_h2.Address, _h1.Address, Encapsulate(AppNet, Frames.Udp(stranger, _a.Mac, IPv4Address.Parse("10.0.0.77"), _a.Ip, 1, 2, 10)));
        // From the external VTEP, claiming container b's MAC: delivered, but b stays behind h2.
        _fabric.Inject(h4.Address, _h1.Address, Encapsulate(AppNet, Frames.Udp(_b.Mac, _a.Mac, _b.Ip, _a.Ip, 1, 2, 10)));
        // From the external VTEP, a new MAC: learned.
        var behindExternal = MacAddress.Parse("02:00:00:00:00:78");
        _fabric.Inject(h4.Address, _h1.Address, Encapsulate(AppNet, Frames.Udp(behindExternal, _a.Mac, IPv4Address.Parse("10.0.0.78"), _a.Ip, 1, 2, 10)));

        Assert.True(SpinWait.SpinUntil(() => _a.Received.Count >= 3, 2000), "all three delivered");
        Assert.False(_h1.Vtep.Table.TryGetVtep(AppNet, stranger, out _));
        Assert.True(_h1.Vtep.Table.TryGetVtep(AppNet, _b.Mac, out var ofB) && ofB.SameAddress(_h2.Address));
        Assert.True(_h1.Vtep.Table.TryGetVtep(AppNet, behindExternal, out var learned) && learned.SameAddress(h4.Address));
        Assert.Equal(1, _h1.Vtep.Table.Learned.Count(AppNet));
    }

    [Fact]
    public void Unknown_unicast_goes_to_the_external_peers_only_and_is_dropped_on_a_network_without_any()
    {
        using var h4 = ExternalVtep(out _);
        _fabric.Captured.Clear();
        var unknown = MacAddress.Parse("02:00:00:00:00:99");

        _a.Send(Frames.Udp(_a.Mac, unknown, _a.Ip, IPv4Address.Parse("10.0.0.99"), 5000, 5001, 20));

        Assert.True(SpinWait.SpinUntil(() => !_fabric.Captured.IsEmpty, 2000));
        Assert.All(_fabric.Captured, d => Assert.True(d.To.SameAddress(h4.Address), $"sent to {d.To}"));
        Assert.True(SpinWait.SpinUntil(() => h4.Vtep.Counters.Snapshot().Decapsulated == 1, 2000), "the external side took it in");

        _h1.Vtep.Table.SetExternalPeers(AppNet, []);
        _c.Send(Frames.Udp(_c.Mac, unknown, _c.Ip, IPv4Address.Parse("10.0.0.99"), 5000, 5001, 20)); // h3 never had one
        Assert.True(SpinWait.SpinUntil(() => _h3.Vtep.Counters[DropReason.UnknownDestination] >= 1, 2000));
    }

    [Fact]
    public void An_external_peer_removed_stops_being_a_peer_and_what_was_learned_behind_it_goes()
    {
        using var h4 = ExternalVtep(out var aux);
        Assert.True(aux.Ping(_a.Ip, 1));
        Assert.Equal(1, _h1.Vtep.Table.Learned.Count(AppNet));

        _h1.Vtep.Table.SetExternalPeers(AppNet, []);

        Assert.Equal(0, _h1.Vtep.Table.Learned.Count(AppNet));
        Assert.False(_h1.Vtep.Table.IsPeer(AppNet, h4.Address));
        Assert.False(aux.Ping(_a.Ip, 2, TimeSpan.FromMilliseconds(300)), "h1 no longer admits the external VTEP");
        Assert.True(_h1.Vtep.Counters[DropReason.UnknownPeer] >= 1);
    }
}
