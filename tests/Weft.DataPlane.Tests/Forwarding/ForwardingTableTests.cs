using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Tests.Forwarding;

public class ForwardingTableTests
{
    private static readonly PeerEndpoint H1 = PeerEndpoint.Parse("198.51.100.1", 4789);
    private static readonly PeerEndpoint H2 = PeerEndpoint.Parse("198.51.100.2", 4789);
    private static readonly IPv4Address IpB = IPv4Address.Parse("10.0.0.3");
    private static readonly MacAddress MacB = MacAddress.FromIPv4(IpB);

    [Fact]
    public void Set_adds_the_endpoint_and_its_vtep_as_a_peer()
    {
        var table = new ForwardingTable();
        table.SetEndpoint(4096, MacB, IpB, H2);
        Assert.True(table.TryGetVtep(4096, MacB, out var vtep));
        Assert.Equal(H2, vtep);
        Assert.True(table.TryResolve(4096, IpB, out var mac));
        Assert.Equal(MacB, mac);
        Assert.True(table.IsPeer(4096, H2.WithPort(50000)));
        Assert.False(table.IsPeer(4097, H2));
        Assert.False(table.TryGetVtep(4097, MacB, out _));
    }

    [Fact]
    public void Replace_moves_the_endpoint_and_leaves_no_stale_address()
    {
        var table = new ForwardingTable();
        table.SetEndpoint(4096, MacB, IpB, H2);
        var newIp = IPv4Address.Parse("10.0.0.30");
        table.SetEndpoint(4096, MacB, newIp, H1);
        Assert.True(table.TryGetVtep(4096, MacB, out var vtep));
        Assert.Equal(H1, vtep);
        Assert.False(table.TryResolve(4096, IpB, out _));
        Assert.True(table.TryResolve(4096, newIp, out _));
        Assert.Single(table.Endpoints(4096));
    }

    [Fact]
    public void An_address_taken_over_by_another_mac_drops_the_old_mac()
    {
        var table = new ForwardingTable();
        table.SetEndpoint(4096, MacB, IpB, H2);
        var other = MacAddress.Parse("02:42:0a:00:00:63");
        table.SetEndpoint(4096, other, IpB, H1);
        Assert.False(table.TryGetVtep(4096, MacB, out _));
        Assert.True(table.TryResolve(4096, IpB, out var mac));
        Assert.Equal(other, mac);
    }

    [Fact]
    public void Remove_endpoint_and_remove_peer()
    {
        var table = new ForwardingTable();
        table.SetEndpoint(4096, MacB, IpB, H2);
        Assert.True(table.RemoveEndpoint(4096, MacB));
        Assert.False(table.RemoveEndpoint(4096, MacB));
        Assert.False(table.TryResolve(4096, IpB, out _));
        Assert.True(table.IsPeer(4096, H2));

        table.SetEndpoint(4096, MacB, IpB, H2);
        Assert.True(table.RemovePeer(4096, H2));
        Assert.False(table.IsPeer(4096, H2));
        Assert.Empty(table.Endpoints(4096));
        Assert.Empty(table.Peers(4096));
    }

    [Fact]
    public void Peers_are_unique_per_address()
    {
        var table = new ForwardingTable();
        table.AddPeer(4096, H1);
        table.AddPeer(4096, H1);
        table.AddPeer(4096, H2);
        Assert.Equal(new[] { H1, H2 }, table.Peers(4096).ToArray());
    }
}
