using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// <c>weft network diagnose</c> in a 3-host lab with real agents: a healthy network, then the two ways the physical
/// network gets in the way of an overlay — h3 dropping UDP to the VXLAN port (a policy-routing blackhole inside h3's
/// namespace, acting as its firewall) and h2's underlay link with a smaller MTU than the overlay needs — each named
/// with its link, and the MTU it reports checked against the kernel's own ping with DF set.
/// </summary>
public sealed class DiagnoseScenarioTests(DiagnoseLab lab) : IClassFixture<DiagnoseLab>
{
    [RootFact("ip", "ping")]
    public void A_healthy_network_has_every_link_ok_and_exits_0()
    {
        var result = lab.Weft("-H", "h1", "network", "diagnose", "diag-net");
        Assert.True(result.ExitCode == 0, result.Out + result.Err);
        Assert.Matches(@"h2\s+198\.51\.100\.2:4789\s+OK\s+\d+ µs\s+1464", result.Out);
        Assert.Matches(@"h3\s+198\.51\.100\.3:4789\s+OK\s+\d+ µs\s+1464", result.Out);
        Assert.Contains("All links carry full-size overlay packets.", result.Out);

        // --all: every member host probes its own links, so all six directions of the mesh are seen from one command.
        var mesh = lab.Weft("-H", "h2", "network", "diagnose", "--all", "diag-net");
        Assert.True(mesh.ExitCode == 0, mesh.Out + mesh.Err);
        foreach (var host in new[] { "h1", "h2", "h3" }) Assert.Contains($"from {host}:", mesh.Out);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(mesh.Out, @"198\.51\.100\.\d:4789\s+OK\s").Count);
    }

    [RootFact("ip", "ping")]
    public void A_firewalled_host_and_a_small_underlay_mtu_are_each_named_with_their_link()
    {
        try
        {
            // h3 drops every UDP datagram to port 4789 before local delivery (its cluster channel, TCP, still works).
            Ip("-n", $"{lab.Prefix}-h3", "rule", "add", "pref", "100", "lookup", "local");
            Ip("-n", $"{lab.Prefix}-h3", "rule", "del", "pref", "0");
            Ip("-n", $"{lab.Prefix}-h3", "rule", "add", "pref", "5", "ipproto", "udp", "dport", "4789", "blackhole");

            // From everywhere at once (--all): the links between the other hosts are named too.
            var mesh = lab.Weft("-H", "h2", "network", "diagnose", "--all", "diag-net");
            Assert.True(mesh.ExitCode == 1, $"exit {mesh.ExitCode}: {mesh.Out}{mesh.Err}");
            Assert.Contains("UNREACHABLE: h2 → h3 (198.51.100.3, UDP 4789)", mesh.Out);
            Assert.Contains("UNREACHABLE: h3 → h1 (198.51.100.1, UDP 4789)", mesh.Out);
            Assert.Contains("UNREACHABLE: h3 → h2 (198.51.100.2, UDP 4789)", mesh.Out);
            Assert.DoesNotContain("NOT DIAGNOSED", mesh.Out);

            // h2's underlay link takes 1400-byte packets; the overlay needs 1500. A real black hole: big packets vanish
            // silently (it also stalls long-lived TCP such as the cluster channel, so it is kept short and undone below).
            Ip("-n", $"{lab.Prefix}-h2", "link", "set", "eth0", "mtu", "1400");
            var result = lab.Weft("-H", "h1", "network", "diagnose", "diag-net");
            Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Out}{result.Err}");
            Assert.Matches(@"h3\s+198\.51\.100\.3:4789\s+UNREACHABLE", result.Out);
            Assert.Contains("UNREACHABLE: h1 → h3 (198.51.100.3, UDP 4789): no answer to VXLAN probes although h3's agent is up", result.Out);
            Assert.Contains("allow UDP port 4789 between h1 and h3", result.Out);

            var mtu = System.Text.RegularExpressions.Regex.Match(result.Out, @"h2\s+198\.51\.100\.2:4789\s+MTU\s+\d+ µs\s+(\d+)");
            Assert.True(mtu.Success, result.Out);
            var largestFrame = int.Parse(mtu.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(largestFrame, 1300, 1463);
            Assert.Contains($"or recreate the network with --opt mtu={largestFrame - 14}", result.Out);

            // The kernel agrees: with DF set, an IP packet of the reported size crosses, a full-MTU one does not.
            var c1 = $"{lab.Prefix}-h1-c-c1";
            var c2 = lab.AddressOf("c2", "diag-net");
            var fits = largestFrame - 14 - 28;
            Assert.Equal(0, Tool.Run("ip", "netns", "exec", c1, "ping", "-c", "2", "-W", "2", "-M", "do", "-s", $"{fits}", c2).ExitCode);
            Assert.NotEqual(0, Tool.Run("ip", "netns", "exec", c1, "ping", "-c", "1", "-W", "1", "-M", "do", "-s", $"{1450 - 28}", c2).ExitCode);
        }
        finally
        {
            Tool.Run("ip", "-n", $"{lab.Prefix}-h2", "link", "set", "eth0", "mtu", "1500");
            Tool.Run("ip", "-n", $"{lab.Prefix}-h3", "rule", "del", "pref", "5");
            Tool.Run("ip", "-n", $"{lab.Prefix}-h3", "rule", "add", "pref", "0", "lookup", "local");
            Tool.Run("ip", "-n", $"{lab.Prefix}-h3", "rule", "del", "pref", "100");
            // h2's cluster channel recovers once its retransmissions fit again.
            Assert.True(CliLab.Eventually(() => lab.Weft("-H", "h2", "network", "ls").ExitCode == 0, TimeSpan.FromSeconds(40)), "h2 did not reach the manager again");
        }
    }

    [RootFact("ip")]
    public void A_host_without_a_container_on_the_network_says_where_to_run_it()
    {
        lab.Must("-H", "h1", "network", "create", "--driver", "overlay", "elsewhere");
        try
        {
            lab.Must("-H", "h2", "run", "-d", "--name", "only-h2", "--network", "elsewhere");
            var result = lab.Weft("-H", "h1", "network", "diagnose", "elsewhere");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("host h1 has no container on network elsewhere", result.Err);
            Assert.Contains("run it on a host that has one: h2", result.Err);
        }
        finally
        {
            lab.Weft("-H", "h2", "rm", "-f", "only-h2");
            lab.Weft("-H", "h1", "network", "rm", "elsewhere");
        }
    }

    private static void Ip(params string[] args) => Tool.Run("ip", args).EnsureSuccess("ip " + string.Join(' ', args));
}
