using Weft.DataPlane.Counters;
using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>Three simulated hosts on a virtual fabric, each with a real <see cref="Vtep"/> running its reader threads.</summary>
public sealed partial class MultiHostTests : IDisposable
{
    private const uint AppNet = 4096;
    private const uint OtherNet = 4097;

    private readonly VirtualFabric _fabric = new();
    private readonly SimulatedHost _h1;
    private readonly SimulatedHost _h2;
    private readonly SimulatedHost _h3;
    private readonly FakeContainer _a;
    private readonly FakeContainer _b;
    private readonly FakeContainer _c;

    public MultiHostTests()
    {
        _h1 = new SimulatedHost(_fabric, "198.51.100.1");
        _h2 = new SimulatedHost(_fabric, "198.51.100.2");
        _h3 = new SimulatedHost(_fabric, "198.51.100.3");
        _a = _h1.Run("container-a", "10.0.0.2", AppNet);
        _b = _h2.Run("container-b", "10.0.0.3", AppNet);
        _c = _h3.Run("container-c", "10.0.0.4", AppNet);
        foreach (var host in new[] { _h1, _h2, _h3 })
        {
            if (host != _h1) host.Learn(AppNet, _a, _h1);
            if (host != _h2) host.Learn(AppNet, _b, _h2);
            if (host != _h3) host.Learn(AppNet, _c, _h3);
        }
    }

    public void Dispose()
    {
        _h1.Dispose();
        _h2.Dispose();
        _h3.Dispose();
    }

    [Fact]
    public void Arp_and_ping_work_between_containers_on_different_hosts()
    {
        Assert.True(_a.Ping(_b.Ip, 1), "a -> b");
        Assert.True(_b.Ping(_c.Ip, 2), "b -> c");
        Assert.True(_c.Ping(_a.Ip, 3), "c -> a");

        Assert.True(_a.Knows(_b.Ip, out var macOfB));
        Assert.Equal(_b.Mac, macOfB);
        Assert.Equal(1, _h1.Vtep.Counters.Snapshot().ArpAnswered);
    }

    [Fact]
    public void No_arp_crosses_the_underlay_and_every_datagram_is_vxlan_with_the_vni()
    {
        Assert.True(_a.Ping(_b.Ip, 1));
        Assert.NotEmpty(_fabric.Captured);
        foreach (var (_, _, sourcePort, payload) in _fabric.Captured)
        {
            Assert.True(VxlanHeader.TryRead(payload, out var vxlan));
            Assert.Equal(AppNet, vxlan.Vni);
            Assert.InRange(sourcePort, (ushort)49152, (ushort)65535);
            Assert.True(EthernetHeader.TryRead(payload.AsSpan(VxlanHeader.Size), out var inner));
            Assert.NotEqual(EtherType.Arp, inner.EtherType);
        }
    }

    [Fact]
    public void Two_networks_cannot_reach_each_other()
    {
        var intruder = _h1.Run("intruder", "10.0.0.9", OtherNet);
        _h2.Network(OtherNet);
        _h2.Vtep.Table.AddPeer(OtherNet, _h1.Address);
        _h1.Vtep.Table.AddPeer(OtherNet, _h2.Address);

        Assert.False(intruder.Ping(_b.Ip, 1, TimeSpan.FromMilliseconds(300)));
        Assert.True(_h1.Vtep.Counters[DropReason.ArpNotRemote] >= 1);

        // Even with B's MAC guessed right, the frame has no forwarding entry on the other VNI.
        intruder.Send(Frames.IcmpEcho(intruder.Mac, _b.Mac, intruder.Ip, _b.Ip, IcmpEcho.TypeEchoRequest, 1, 1));
        Assert.True(SpinWait.SpinUntil(() => _h1.Vtep.Counters[DropReason.UnknownDestination] >= 1, 2000));
        Assert.DoesNotContain(_b.Received, f => EthernetHeader.TryRead(f, out var e) && e.Source == intruder.Mac);
    }

    [Fact]
    public void Malformed_and_foreign_datagrams_are_dropped_and_counted_and_traffic_keeps_flowing()
    {
        var vtep = _h2.Vtep;
        var stranger = Weft.DataPlane.Seams.PeerEndpoint.Parse("198.51.100.77", 4789);
        var valid = Encapsulate(AppNet, Frames.IcmpEcho(_a.Mac, _b.Mac, _a.Ip, _b.Ip, IcmpEcho.TypeEchoRequest, 9, 9));

        _fabric.Inject(stranger, _h2.Address, valid);                                   // unknown peer
        _fabric.Inject(_h1.Address, _h2.Address, Encapsulate(OtherNet, valid[8..]));      // VNI not on this host
        _fabric.Inject(_h1.Address, _h2.Address, valid[..10]);                           // truncated
        var noIFlag = (byte[])valid.Clone();
        noIFlag[0] = 0;
        _fabric.Inject(_h1.Address, _h2.Address, noIFlag);                               // I flag clear
        var badSource = Encapsulate(AppNet, Frames.IcmpEcho(MacAddress.Broadcast, _b.Mac, _a.Ip, _b.Ip, IcmpEcho.TypeEchoRequest, 9, 9));
        _fabric.Inject(_h1.Address, _h2.Address, badSource);                             // group source MAC

        Assert.True(SpinWait.SpinUntil(() => vtep.Counters.Snapshot().TotalDrops >= 5, 2000), "all five counted");
        var drops = vtep.Counters.Snapshot().Drops;
        Assert.Equal(1, drops[DropReason.UnknownPeer]);
        Assert.Equal(1, drops[DropReason.UnknownVni]);
        Assert.Equal(1, drops[DropReason.Truncated]);
        Assert.Equal(1, drops[DropReason.NotVxlan]);
        Assert.Equal(1, drops[DropReason.InvalidInnerFrame]);
        Assert.Equal(5, vtep.Counters.Snapshot().TotalDrops);
        Assert.Empty(_b.Received);

        Assert.True(_a.Ping(_b.Ip, 42), "traffic still flows after the garbage");
    }

    [Fact]
    public void Truly_random_datagrams_from_a_peer_are_dropped_under_some_reason_and_traffic_keeps_flowing()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        const int count = 32;
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            _fabric.Inject(_h1.Address, _h2.Address, bytes);
        }

        var vtep = _h2.Vtep;
        Assert.True(SpinWait.SpinUntil(() => vtep.Counters.Snapshot().TotalDrops == count, 2000),
            $"seed {seed}: {vtep.Counters.Snapshot().TotalDrops} of {count} random datagrams counted as drops");
        var snapshot = vtep.Counters.Snapshot();
        Assert.Equal(0, snapshot.Decapsulated);
        Assert.Empty(_b.Received);
        Assert.True(_a.Ping(_b.Ip, 43), $"seed {seed}: traffic still flows after random datagrams");
    }

    [Fact]
    public void A_removed_endpoint_is_no_longer_reachable()
    {
        Assert.True(_a.Ping(_b.Ip, 1));
        _h1.Vtep.Table.RemoveEndpoint(AppNet, _b.Mac);
        _a.Send(Frames.IcmpEcho(_a.Mac, _b.Mac, _a.Ip, _b.Ip, IcmpEcho.TypeEchoRequest, 0x77, 2));
        Assert.True(SpinWait.SpinUntil(() => _h1.Vtep.Counters[DropReason.UnknownDestination] == 1, 2000));
    }

    private static byte[] Encapsulate(uint vni, byte[] inner)
    {
        var datagram = new byte[VxlanHeader.Size + inner.Length];
        new VxlanHeader(vni).Write(datagram);
        inner.CopyTo(datagram, VxlanHeader.Size);
        return datagram;
    }
}
