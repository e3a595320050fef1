using System.Net;
using Weft.DataPlane;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Host;
using Weft.DataPlane.Kernel;
using Weft.DataPlane.Paths;
using Weft.DataPlane.Userspace;
using Weft.TestSupport;
using Weft.Wire;

namespace Weft.Lab.Tests;

/// <summary>
/// The per-host plumbing (sandbox with bridge, containers on veths) and both kinds of network data path in two lab hosts,
/// each given the plan the reconciler would give it: containers reach each other with the kernel's ping, whichever path
/// each host takes (the wire format is one), and iproute2 sees the addresses, MACs and MTUs Weft set.
/// </summary>
public sealed class HostDataPathTests
{
    private const int Mtu = 1450;
    private static readonly IPv4Address Gateway = IPv4Address.Parse("10.88.0.1");
    private static readonly ContainerAttachment A = new("ep-a", "container-a", 0, "eth0", IPv4Address.Parse("10.88.0.2"), 24, Mtu);
    private static readonly ContainerAttachment B = new("ep-b", "container-b", 0, "eth0", IPv4Address.Parse("10.88.0.3"), 24, Mtu);

    [RootFact("ip", "ping")]
    public void Containers_on_two_userspace_hosts_ping_each_other_and_survive_a_new_data_path() =>
        PingAcross(DataPathKind.Userspace, DataPathKind.Userspace);

    [RootFact("ip", "ping")]
    public void A_kernel_path_host_and_a_userspace_host_carry_one_network() =>
        PingAcross(DataPathKind.Kernel, DataPathKind.Userspace);

    [RootFact("ip", "ping")]
    public void Containers_on_two_kernel_path_hosts_ping_each_other_and_a_new_agent_adopts_the_device() =>
        PingAcross(DataPathKind.Kernel, DataPathKind.Kernel);

    private static void PingAcross(DataPathKind h1Kind, DataPathKind h2Kind)
    {
        using var lab = new LabFixture();
        LabTopology.Up(lab.Prefix, 2);
        var vni = (uint)(6000 + Random.Shared.Next(1000));
        var a = A with { Vni = vni };
        var b = B with { Vni = vni };
        var h1 = Host.Start(lab.Prefix, 1, h1Kind);
        var h2 = Host.Start(lab.Prefix, 2, h2Kind);
        try
        {
            h1.Join(vni, a, remote: b, peer: h2);
            h1.Plumbing.AttachContainer(a); // idempotent
            h2.Join(vni, b, remote: a, peer: h1);

            var containerA = h1.Plumbing.Names.Container("container-a");
            var eth0 = LabFixture.Json(containerA, "addr", "show", "eth0")[0];
            Assert.Equal(a.Mac.ToString(), eth0.GetProperty("address").GetString());
            Assert.Equal(Mtu, eth0.GetProperty("mtu").GetInt32());
            Assert.Contains(eth0.GetProperty("addr_info").EnumerateArray(), i => i.GetProperty("local").GetString() == "10.88.0.2");

            Assert.True(Ping(containerA, "10.88.0.3"), $"a -> b across hosts ({h1Kind} -> {h2Kind})");
            Assert.True(Ping(h2.Plumbing.Names.Container("container-b"), "10.88.0.2"), $"b -> a across hosts ({h2Kind} -> {h1Kind})");
            var traffic = h1.Path!.Traffic();
            Assert.True(traffic.PacketsOut >= 2 && traffic.PacketsIn >= 2, $"h1's {h1Kind} path counted the pings: {traffic}");
            Assert.Contains(h1.Path.Forwarding(), r => r.Mac == b.Mac && r.Address == b.Address && r.Host.Equals(h2.Address));

            // The agent restarts: a TAP dies with it, a kernel device stays; namespaces and veths stay; a new data path takes over.
            var deviceBefore = h1Kind == DataPathKind.Kernel ? LinkIndex(h1, vni) : 0;
            h1.Dispose();
            h1 = Host.Start(lab.Prefix, 1, h1Kind);
            h1.Join(vni, a, remote: b, peer: h2);
            if (h1Kind == DataPathKind.Kernel) Assert.Equal(deviceBefore, LinkIndex(h1, vni)); // adopted, not re-created
            Assert.True(Ping(containerA, "10.88.0.3"), "a -> b after the data path was rebuilt");
        }
        finally
        {
            h1.Dispose();
            h2.Dispose();
        }
    }

    private static int LinkIndex(Host host, uint vni) =>
        LabFixture.Json(host.Plumbing.Names.Sandbox(vni), "link", "show", HostNames.KernelVxlan(vni))[0].GetProperty("ifindex").GetInt32();

    private static bool Ping(string ns, string address) =>
        Tool.Run("ip", ["netns", "exec", ns, "ping", "-c", "2", "-i", "0.2", "-W", "2", address], TimeSpan.FromSeconds(15)).ExitCode == 0;

    private sealed class Host : IDisposable
    {
        private readonly UdpUnderlay _underlay;
        private readonly DataPathKind _kind;

        private Host(HostDataPath plumbing, Vtep vtep, UdpUnderlay underlay, IPAddress address, DataPathKind kind)
        {
            Plumbing = plumbing;
            Vtep = vtep;
            _underlay = underlay;
            Address = address;
            _kind = kind;
        }

        public HostDataPath Plumbing { get; }
        public Vtep Vtep { get; }
        public IPAddress Address { get; }
        public INetworkDataPath? Path { get; private set; }

        /// <summary>A host whose VTEP listens on the VXLAN port, unless its networks take the kernel path (which owns that port).</summary>
        public static Host Start(string prefix, int number, DataPathKind kind)
        {
            var ip = LabNames.HostAddress(number);
            var underlay = new UdpUnderlay($"{prefix}-h{number}", ip, kind == DataPathKind.Kernel ? 0 : VxlanHeader.DefaultPort);
            var vtep = new Vtep(underlay, options: new VtepOptions { BatchSize = 16, BufferCapacity = 4096 });
            vtep.Start();
            return new Host(new HostDataPath(new HostNames($"{prefix}-h{number}")), vtep, underlay, ip, kind);
        }

        /// <summary>What the reconciler does for a network with one local and one remote container.</summary>
        public void Join(uint vni, ContainerAttachment local, ContainerAttachment remote, Host peer)
        {
            Plumbing.EnsureSandbox(vni, Mtu, Gateway, 24);
            Plumbing.AttachContainer(local);
            var sandbox = Plumbing.Names.Sandbox(vni);
            // The kernel path's device is made in the lab host's namespace, where weftd would run.
            Path = _kind == DataPathKind.Kernel
                ? new KernelNetworkPath(vni, Mtu, sandbox, Address, VxlanHeader.DefaultPort, Vtep, "test", hostNamespace: Plumbing.Names.NamespacePrefix)
                : new UserspaceNetworkPath(vni, Mtu, sandbox, Vtep, new TapFactory(), VxlanHeader.DefaultPort, "test");
            Path.Apply(new NetworkPlan(vni, Mtu, false, [new RemoteContainer(remote.Mac, remote.Address, peer.Address)], [peer.Address]));
        }

        public void Dispose()
        {
            Path?.Dispose();
            Vtep.Dispose();
            _underlay.Dispose();
        }
    }
}
