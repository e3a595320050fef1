using Weft.DataPlane.Tests.Fakes;
using Weft.Wire;

namespace Weft.DataPlane.Tests;

/// <summary>
/// <see cref="VtepOptions.DestinationPort"/>: peers learned without a port (port 0, as a reconciler that knows only host
/// addresses programs them) are sent to the configured port; 4789 (RFC 7348) unless configured.
/// </summary>
public sealed class DestinationPortTests
{
    private const uint Net = 4096;

    [Fact]
    public void The_default_destination_port_is_the_iana_vxlan_port()
    {
        Assert.Equal(4789, new VtepOptions().DestinationPort);
        Assert.Equal(VxlanHeader.DefaultPort, new VtepOptions().DestinationPort);
    }

    [Fact]
    public void Peers_without_a_port_are_sent_to_4789_by_default()
    {
        var fabric = new VirtualFabric();
        using var h1 = new SimulatedHost(fabric, "198.51.100.1");
        using var h2 = new SimulatedHost(fabric, "198.51.100.2");
        var (a, b) = Connect(h1, h2);

        Assert.True(a.Ping(b.Ip, 1));
        Assert.NotEmpty(fabric.Captured);
        Assert.All(fabric.Captured, d => Assert.Equal(4789, d.To.Port));
    }

    [Fact]
    public void A_configured_destination_port_is_used_for_unicast_and_flooding()
    {
        var fabric = new VirtualFabric();
        using var h1 = new SimulatedHost(fabric, "198.51.100.1", port: 4790, destinationPort: 4790);
        using var h2 = new SimulatedHost(fabric, "198.51.100.2", port: 4790, destinationPort: 4790);
        var (a, b) = Connect(h1, h2);

        Assert.True(a.Ping(b.Ip, 1), "ping over VTEPs that both use port 4790");
        var broadcast = Frames.Udp(a.Mac, MacAddress.Broadcast, a.Ip, IPv4Address.Parse("10.0.0.255"), 5000, 5001, 20);
        a.Send(broadcast);
        Assert.True(SpinWait.SpinUntil(() => b.Received.Any(f => f.SequenceEqual(broadcast)), 2000), "flooded broadcast arrived");

        var crossed = fabric.Captured.ToList();
        Assert.Contains(crossed, d => d.To.SameAddress(h2.Address) && d.Payload.Length == VxlanHeader.Size + broadcast.Length);
        Assert.Contains(crossed, d => d.To.SameAddress(h1.Address)); // the echo reply
        Assert.All(crossed, d => Assert.Equal(4790, d.To.Port));
    }

    [Fact]
    public void An_explicit_peer_port_wins_over_the_configured_one()
    {
        var fabric = new VirtualFabric();
        using var h1 = new SimulatedHost(fabric, "198.51.100.1", destinationPort: 4790);
        using var h2 = new SimulatedHost(fabric, "198.51.100.2", port: 5555);
        var a = h1.Run("a", "10.0.0.2", Net);
        var b = h2.Run("b", "10.0.0.3", Net);
        h1.Learn(Net, b, h2); // h2.Address carries its port, 5555

        a.Send(Frames.IcmpEcho(a.Mac, b.Mac, a.Ip, b.Ip, IcmpEcho.TypeEchoRequest, 1, 1));
        Assert.True(SpinWait.SpinUntil(() => !fabric.Captured.IsEmpty, 2000));
        Assert.Equal(5555, fabric.Captured.Single().To.Port);
    }

    /// <summary>One container on each host, each host knowing the other by address only (port 0).</summary>
    private static (FakeContainer A, FakeContainer B) Connect(SimulatedHost h1, SimulatedHost h2)
    {
        var a = h1.Run("a", "10.0.0.2", Net);
        var b = h2.Run("b", "10.0.0.3", Net);
        h1.Vtep.Table.SetEndpoint(Net, b.Mac, b.Ip, h2.Address.WithPort(0));
        h2.Vtep.Table.SetEndpoint(Net, a.Mac, a.Ip, h1.Address.WithPort(0));
        return (a, b);
    }
}
