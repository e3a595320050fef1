using System.Text.Json;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// A VTEP outside the cluster as a peer of a network (issue 12, item 5): a plain Linux vxlan device on h5 (no Weft there),
/// flooding to h1 (kernel path) and h3 (userspace path) and learning what comes back, with an address reserved on the
/// network by --aux-address. It pings the containers on both hosts and they ping it, by IP.
/// </summary>
public sealed partial class KernelPathTests
{
    private const string ExternalDevice = "xpx";
    private const string AuxAddress = "10.77.0.200";

    [RootFact("ip", "bridge", "ping")]
    public void A_linux_vxlan_device_outside_the_cluster_is_a_peer_and_its_aux_address_and_containers_on_kernel_and_userspace_hosts_ping_each_other()
    {
        var h5 = $"{lab.Prefix}-h5";
        lab.Must("-H", "h1", "network", "create", "--driver", "overlay", "--subnet", "10.77.0.0/24", "--aux-address", $"ext={AuxAddress}",
            "--opt", "peers=198.51.100.5", "xp");
        try
        {
            lab.Must("-H", "h1", "run", "-d", "--name", "xp-a", "--network", "xp");
            lab.Must("-H", "h3", "run", "-d", "--name", "xp-c", "--network", "xp");
            var vni = lab.Must("-H", "h1", "network", "inspect", "xp", "--format", "{{.Vni}}").Trim();
            Ip(h5, "link", "add", ExternalDevice, "type", "vxlan", "id", vni, "dstport", "4789", "local", "198.51.100.5", "learning");
            Ip(h5, "link", "set", ExternalDevice, "mtu", "1450", "up");
            Ip(h5, "addr", "add", $"{AuxAddress}/24", "dev", ExternalDevice);
            foreach (var vtep in new[] { "198.51.100.1", "198.51.100.3" })
                Tool.Run("ip", ["netns", "exec", h5, "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", ExternalDevice, "dst", vtep], TimeSpan.FromSeconds(5))
                    .EnsureSuccess($"bridge fdb append … dst {vtep}");

            var a = lab.AddressOf("xp-a", "xp");
            var c = lab.AddressOf("xp-c", "xp");
            Assert.NotEqual(AuxAddress, a);
            Assert.NotEqual(AuxAddress, c);
            foreach (var target in new[] { a, c })
            {
                Assert.True(KernelPathLab.Eventually(() => Tool.Run("ip", ["netns", "exec", h5, "ping", "-c", "1", "-W", "1", target], TimeSpan.FromSeconds(5)).ExitCode == 0,
                    TimeSpan.FromSeconds(10)), $"the machine behind the external VTEP reaches {target}");
            }
            Assert.Equal(0, lab.Weft("-H", "h1", "exec", "xp-a", "ping", "-c", "2", "-W", "2", AuxAddress).ExitCode);
            Assert.Equal(0, lab.Weft("-H", "h3", "exec", "xp-c", "ping", "-c", "2", "-W", "2", AuxAddress).ExitCode);
            Assert.Equal(0, lab.Weft("-H", "h1", "exec", "xp-a", "ping", "-c", "1", "-W", "2", "xp-c").ExitCode); // and each other, still

            // h1's device learns and leaves ARP to the hosts (proxy ARP would swallow it); both hosts count what they learned.
            var sandbox = $"{lab.Prefix}-h1-n{vni}";
            var data = LabFixture.Json(sandbox, "-d", "link", "show", $"wv{vni}")[0].GetProperty("linkinfo").GetProperty("info_data");
            Assert.True(data.GetProperty("learning").GetBoolean());
            Assert.False(data.TryGetProperty("proxy", out var proxy) && proxy.GetBoolean(), data.ToString()); // iproute2 leaves it out when off
            foreach (var host in new[] { 1, 3 })
            {
                Assert.True(KernelPathLab.Eventually(() => Learned(host, uint.Parse(vni, System.Globalization.CultureInfo.InvariantCulture)) >= 1, TimeSpan.FromSeconds(3)),
                    $"h{host} counts the MAC it learned behind the external VTEP");
            }
            Assert.Equal("[198.51.100.5]", lab.Must("-H", "h2", "network", "inspect", "xp", "--format", "{{.ExternalPeers}}").Trim());

            // Taken off the network at run time (from a host without a container on it), it is refused on both paths; put back, it works again.
            lab.Must("-H", "h2", "network", "peer", "rm", "xp", "198.51.100.5");
            foreach (var target in new[] { a, c })
            {
                Assert.True(KernelPathLab.Eventually(() => Tool.Run("ip", ["netns", "exec", h5, "ping", "-c", "1", "-W", "1", target], TimeSpan.FromSeconds(5)).ExitCode != 0,
                    TimeSpan.FromSeconds(10)), $"no longer a peer, the external VTEP does not reach {target}");
            }
            lab.Must("-H", "h2", "network", "peer", "add", "xp", "198.51.100.5");
            foreach (var target in new[] { a, c })
            {
                Assert.True(KernelPathLab.Eventually(() => Tool.Run("ip", ["netns", "exec", h5, "ping", "-c", "1", "-W", "1", target], TimeSpan.FromSeconds(5)).ExitCode == 0,
                    TimeSpan.FromSeconds(10)), $"a peer again, the external VTEP reaches {target}");
            }
        }
        finally
        {
            Tool.Run("ip", ["-n", h5, "link", "del", ExternalDevice], TimeSpan.FromSeconds(5));
            lab.Weft("-H", "h1", "rm", "-f", "xp-a");
            lab.Weft("-H", "h3", "rm", "-f", "xp-c");
            lab.Weft("-H", "h1", "network", "rm", "xp");
        }
    }

    private static void Ip(string ns, params string[] args) => Tool.Run("ip", ["-n", ns, .. args], TimeSpan.FromSeconds(5)).EnsureSuccess($"ip {string.Join(' ', args)}");

    private int Learned(int host, uint vni) =>
        Info(host).GetProperty("Networks").EnumerateArray().Where(n => n.GetProperty("Vni").GetUInt32() == vni)
            .Select(n => n.GetProperty("LearnedMacs").GetInt32()).FirstOrDefault();
}
