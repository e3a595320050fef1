using System.Net;
using Weft.DataPlane;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Host;
using Weft.DataPlane.Seams;
using Weft.TestSupport;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>
/// The per-host plumbing (sandbox with bridge and TAP, containers on veths) in two lab hosts, forwarding filled by
/// hand: containers reach each other with the kernel's ping, and iproute2 sees the addresses, MACs and MTUs Weft set.
/// </summary>
public sealed class HostDataPathTests
{
    private const int Mtu = 1450;

    [RootFact("ip", "ping")]
    public void Containers_on_two_hosts_ping_each_other_and_survive_a_new_data_path()
    {
        using var lab = new LabFixture();
        LabTopology.Up(lab.Prefix, 2);
        var vni = (uint)(6000 + Random.Shared.Next(1000));
        var gateway = IPv4Address.Parse("10.88.0.1");
        var a = new ContainerAttachment("ep-a", "container-a", vni, "eth0", IPv4Address.Parse("10.88.0.2"), 24, Mtu);
        var b = new ContainerAttachment("ep-b", "container-b", vni, "eth0", IPv4Address.Parse("10.88.0.3"), 24, Mtu);
        var h1 = Host.Start(lab.Prefix, 1);
        var h2 = Host.Start(lab.Prefix, 2);
        try
        {
            h1.Path.EnsureNetwork(vni, Mtu, gateway, 24);
            h2.Path.EnsureNetwork(vni, Mtu, gateway, 24);
            h1.Path.AttachContainer(a);
            h1.Path.AttachContainer(a); // idempotent
            h2.Path.AttachContainer(b);
            h1.Path.Vtep.Table.SetEndpoint(vni, b.Mac, b.Address, h2.Address);
            h2.Path.Vtep.Table.SetEndpoint(vni, a.Mac, a.Address, h1.Address);

            var containerA = h1.Path.Names.Container("container-a");
            var eth0 = LabFixture.Json(containerA, "addr", "show", "eth0")[0];
            Assert.Equal(a.Mac.ToString(), eth0.GetProperty("address").GetString());
            Assert.Equal(Mtu, eth0.GetProperty("mtu").GetInt32());
            Assert.Contains(eth0.GetProperty("addr_info").EnumerateArray(), i => i.GetProperty("local").GetString() == "10.88.0.2");

            Assert.True(Ping(containerA, "10.88.0.3"), "a -> b across hosts");

            // The agent restarts: its TAP dies with it, namespaces and veths stay; a new data path rebuilds.
            h1.Dispose();
            h1 = Host.Start(lab.Prefix, 1);
            h1.Path.EnsureNetwork(vni, Mtu, gateway, 24);
            h1.Path.AttachContainer(a);
            h1.Path.Vtep.Table.SetEndpoint(vni, b.Mac, b.Address, h2.Address);
            Assert.True(Ping(containerA, "10.88.0.3"), "a -> b after the data path was rebuilt");
        }
        finally
        {
            h1.Dispose();
            h2.Dispose();
        }
    }

    private static bool Ping(string ns, string address) =>
        Tool.Run("ip", ["netns", "exec", ns, "ping", "-c", "2", "-i", "0.2", "-W", "2", address], TimeSpan.FromSeconds(15)).ExitCode == 0;

    private sealed class Host : IDisposable
    {
        private readonly UdpUnderlay _underlay;

        private Host(HostDataPath path, UdpUnderlay underlay, PeerEndpoint address)
        {
            Path = path;
            _underlay = underlay;
            Address = address;
        }

        public HostDataPath Path { get; }
        public PeerEndpoint Address { get; }

        public static Host Start(string prefix, int number)
        {
            var ip = LabNames.HostAddress(number);
            var underlay = new UdpUnderlay($"{prefix}-h{number}", ip, VxlanHeader.DefaultPort);
            var vtep = new Vtep(underlay, options: new VtepOptions { BatchSize = 16, BufferCapacity = 4096 });
            vtep.Start();
            return new Host(new HostDataPath(vtep, new HostNames($"{prefix}-h{number}")), underlay, PeerEndpoint.From(new IPEndPoint(ip, VxlanHeader.DefaultPort)));
        }

        public void Dispose()
        {
            Path.Dispose();
            Path.Vtep.Dispose();
            _underlay.Dispose();
        }
    }
}
