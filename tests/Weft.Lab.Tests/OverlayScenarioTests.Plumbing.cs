using System.Text.Json;
using Weft.Linux.Namespaces;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 5's plumbing as iproute2 sees it (the sandbox's bridge, gateway and TAP; the container's route), <c>weft exec</c>
/// handing back the command's exit code, and bad input that leaves nothing half-made.
/// </summary>
public sealed partial class OverlayScenarioTests
{
    [RootFact("ip")]
    public void H1s_sandbox_has_the_bridge_with_the_gateway_and_the_vxlan_device_on_it_and_the_container_a_route_for_the_subnet()
    {
        var sandbox = $"{lab.Prefix}-h1-n{lab.Vni}";
        Assert.True(NetworkNamespace.Exists(sandbox), $"sandbox namespace {sandbox}");
        var gateway = lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{range .IPAM.Config}}{{.Gateway}}{{end}}").Trim();
        var subnet = lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{range .IPAM.Config}}{{.Subnet}}{{end}}").Trim();
        var mtu = int.Parse(lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{.Mtu}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var bridge = LabFixture.Json(sandbox, "addr", "show", "br0")[0];
        Assert.Equal("bridge", LabFixture.Json(sandbox, "-d", "link", "show", "br0")[0].GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Contains(bridge.GetProperty("addr_info").EnumerateArray(),
            a => a.GetProperty("local").GetString() == gateway && $"/{a.GetProperty("prefixlen").GetInt32()}" == subnet[subnet.IndexOf('/')..]);
        // A plain network on a host with the kernel's vxlan: the overlay device on the bridge is a vxlan device (Weft's
        // userspace TAP is for encrypted networks and hosts without the kernel path).
        var device = LabFixture.Json(sandbox, "-d", "link", "show", $"wv{lab.Vni}")[0];
        Assert.Equal("vxlan", device.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Equal(int.Parse(lab.Vni, System.Globalization.CultureInfo.InvariantCulture), device.GetProperty("linkinfo").GetProperty("info_data").GetProperty("id").GetInt32());
        Assert.Equal("br0", device.GetProperty("master").GetString());
        Assert.Equal(mtu, device.GetProperty("mtu").GetInt32());
        Assert.Contains("UP", device.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        // container-a's veth is the bridge's other port.
        Assert.Contains(LabFixture.Json(sandbox, "link", "show", "master", "br0").EnumerateArray(), l => l.GetProperty("ifname").GetString()!.StartsWith("ve", StringComparison.Ordinal));

        var container = lab.NamespaceOf("container-a", 1);
        var routes = LabFixture.Json(container, "route", "show").EnumerateArray().ToList();
        Assert.Contains(routes, r => r.GetProperty("dst").GetString() == subnet && r.GetProperty("dev").GetString() == "eth0");
        var eth0 = LabFixture.Json(container, "link", "show", "eth0")[0];
        Assert.Equal(mtu, eth0.GetProperty("mtu").GetInt32());
        var a = lab.AddressOf("container-a");
        Assert.Equal("02:42:" + string.Join(':', a.Split('.').Select(o => int.Parse(o, System.Globalization.CultureInfo.InvariantCulture).ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
            eth0.GetProperty("address").GetString());
    }

    [RootFact("ip")]
    public void Exec_returns_the_commands_exit_code()
    {
        Assert.Equal(7, lab.Weft("-H", "h1", "exec", "container-a", "sh", "-c", "exit 7").ExitCode);
        Assert.Equal(0, lab.Weft("-H", "h1", "exec", "container-a", "true").ExitCode);
    }

    [RootFact("ip")]
    public void A_run_refused_for_an_unknown_network_or_a_taken_name_leaves_nothing_half_made()
    {
        var psBefore = Ps();
        var namespacesBefore = LabNamespacesNow();

        var unknown = lab.Weft("-H", "h1", "run", "-d", "--name", "orphan", "--network", "no-such-net");
        unknown.AssertOneLineError("no-such-net");
        var duplicate = lab.Weft("-H", "h2", "run", "-d", "--name", "container-a", "--network", "app-overlay");
        duplicate.AssertOneLineError("container-a");

        lab.WaitForFreshReconcilerPasses("h1", "h2"); // both reconcilers have converged to whatever the refused runs left in the store
        Assert.Equal(psBefore, Ps());
        Assert.Equal(namespacesBefore, LabNamespacesNow());
        Assert.False(NetworkNamespace.Exists(lab.NamespaceOf("orphan", 1)));
        Assert.False(NetworkNamespace.Exists(lab.NamespaceOf("container-a", 2)));
    }

    private string Ps() => lab.Must("-H", "h1", "ps", "-a", "--format", "{{.Names}} {{.Node}} {{.Networks}} {{.IPAddress}}");

    private List<string> LabNamespacesNow() =>
        LabFixture.NamespaceNames().Where(n => n.StartsWith(lab.Prefix + "-", StringComparison.Ordinal)).Order().ToList();
}
