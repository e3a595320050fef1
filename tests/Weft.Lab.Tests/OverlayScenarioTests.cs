using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Weft.Linux.Namespaces;
using Weft.TestSupport;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 5's acceptance tests: the overlay end to end in the lab with real agents, real namespaces, the kernel's own
/// ping and TCP, tshark on the underlay. Each test leaves container-a (h1) and container-b (h2) as it found them.
/// </summary>
public sealed partial class OverlayScenarioTests(OverlayLab lab, ITestOutputHelper output) : IClassFixture<OverlayLab>
{
    [RootFact("ip", "ping", "getent")]
    public void Container_a_pings_container_b_by_name_resolved_by_weft_dns()
    {
        Assert.Equal("overlay\n", lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{.Driver}}"));
        var b = lab.AddressOf("container-b");

        var ping = lab.Weft("-H", "h1", "exec", "container-a", "ping", "-c", "3", "container-b");
        Assert.True(ping.ExitCode == 0, ping.Err + ping.Out);
        Assert.Contains($"PING container-b ({b})", ping.Out);
        Assert.Contains("3 received", ping.Out);

        Assert.Contains("nameserver 127.0.0.11", lab.Must("-H", "h1", "exec", "container-a", "cat", "/etc/resolv.conf"));
        Assert.StartsWith(b + " ", lab.Must("-H", "h1", "exec", "container-a", "getent", "hosts", "container-b"));
        // The same resolver answers with the network-qualified name, as Docker's does.
        Assert.StartsWith(b + " ", lab.Must("-H", "h1", "exec", "container-a", "getent", "hosts", "container-b.app-overlay"));
    }

    [RootFact("ip", "getent", "dig")]
    public void Weft_dns_answers_reverse_lookups_and_answers_other_names_with_servfail_when_no_upstream_is_reachable()
    {
        // PTR: container-b's address maps back to its name, across hosts.
        var b = lab.AddressOf("container-b");
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(b)}\s+container-b\b", lab.Must("-H", "h1", "exec", "container-a", "getent", "hosts", b));
        var ptr = lab.Must("-H", "h1", "exec", "container-a", "dig", "+short", "-x", b, "@127.0.0.11");
        Assert.StartsWith("container-b", ptr.Trim());

        // A name that is no container is forwarded to the host's resolvers. A lab host reaches only the lab's addresses,
        // so no upstream answers there: the client must get SERVFAIL promptly, not a timeout.
        var outside = lab.Weft("-H", "h1", "exec", "container-a", "dig", "+tries=1", "+time=4", "example.org", "@127.0.0.11");
        Assert.Contains("status: SERVFAIL", outside.Out);
    }

    [RootFact("ip", "ping", "tcpdump", "tshark")]
    public void The_underlay_carries_vxlan_with_the_networks_vni_and_the_container_addresses_inside()
    {
        var a = lab.AddressOf("container-a");
        var b = lab.AddressOf("container-b");
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-overlay.pcap");
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "port", "4789"))
                Assert.Equal(0, lab.Weft("-H", "h1", "exec", "container-a", "ping", "-c", "2", "container-b").ExitCode);

            var echoes = Tshark.Dissect(pcap).Where(p => p.LayerNames.Contains("vxlan") && p.LayerNames.Contains("icmp")).ToList();
            Assert.True(echoes.Count >= 4, $"tshark saw {echoes.Count} ICMP packets in VXLAN");
            Assert.All(echoes, p =>
            {
                Assert.Equal(lab.Vni, p.Field("vxlan", "vxlan.vni"));
                Assert.Equal(new[] { a, b }.Order(), new[] { p.Field("ip", "ip.src", 1), p.Field("ip", "ip.dst", 1) }.Order());
                Assert.Equal(new[] { "198.51.100.1", "198.51.100.2" }, new[] { p.Field("ip", "ip.src"), p.Field("ip", "ip.dst") }.Order());
            });
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [RootFact("ip", "tcpdump", "tshark")]
    public async Task Each_tcp_flow_keeps_one_outer_source_port_and_flows_spread_over_the_hosts_source_ports()
    {
        // app-overlay takes the kernel path on h1: the kernel's vxlan picks the outer source port per flow from the local
        // port range; the userspace VTEP's pool of source ports (still there, for encrypted networks) is not used for it.
        Assert.Equal("kernel", lab.Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{.DataPath}}").Trim());
        var b = IPAddress.Parse(lab.AddressOf("container-b"));
        var pool = lab.Must("-H", "h1", "info", "--format", "{{json .DataPlane.SourcePorts}}");
        var h1Ports = System.Text.Json.JsonSerializer.Deserialize<List<int>>(pool)!;
        Assert.Equal(16, h1Ports.Distinct().Count());
        Assert.Contains("VXLAN source ports", lab.Must("-H", "h1", "info"));
        var pcap = Path.Combine(Path.GetTempPath(), $"{lab.Prefix}-flows.pcap");
        using var listener = NetworkNamespace.OpenSocket(lab.NamespaceOf("container-b", 2), AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 5002));
        listener.Listen(16); // the kernel completes the handshakes; nothing needs to accept
        try
        {
            using (PacketCapture.Start($"{lab.Prefix}-h2", "eth0", pcap, "udp", "port", "4789"))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var clients = new List<Socket>();
                try
                {
                    for (var i = 0; i < 8; i++)
                    {
                        var client = NetworkNamespace.OpenSocket(lab.NamespaceOf("container-a", 1), AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                        clients.Add(client);
                        await client.ConnectAsync(new IPEndPoint(b, 5002), timeout.Token);
                        await client.SendAsync(new byte[100], timeout.Token);
                    }
                    Thread.Sleep(300);
                }
                finally
                {
                    foreach (var client in clients) client.Dispose();
                }
            }

            // Outer UDP source port per inner TCP flow, in the direction container-a -> container-b (sent by h1).
            var segments = Tshark.Dissect(pcap)
                .Where(p => p.LayerNames.Contains("tcp") && p.Field("ip", "ip.src") == "198.51.100.1" && p.Field("tcp", "tcp.dstport") == "5002")
                .Select(p => (Flow: p.Field("tcp", "tcp.srcport"), OuterPort: int.Parse(p.Field("udp", "udp.srcport"), System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
            var flows = segments.GroupBy(s => s.Flow).ToList();
            Assert.Equal(8, flows.Count);
            Assert.All(flows, f => Assert.True(f.Count() >= 3 && f.Select(s => s.OuterPort).Distinct().Count() == 1,
                $"flow {f.Key}: {f.Count()} segments from outer ports {string.Join(",", f.Select(s => s.OuterPort).Distinct())}"));
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.All(segments, s => Assert.InRange(s.OuterPort, range[0], range[1]));
            // 8 flows over 16 ports all on one port would be a 1-in-2^28 chance: a single port means the flows are not spread.
            Assert.True(flows.Select(f => f.First().OuterPort).Distinct().Count() > 1, "every flow left h1 from the same outer port");
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [RootFact("ip")]
    public void Ps_shows_both_containers_up_as_their_hosts_report_them_and_inspect_has_the_start_time()
    {
        Assert.True(CliLab.Eventually(() =>
        {
            var ps = lab.Must("-H", "h1", "ps", "--format", "{{.Names}} {{.Status}}");
            return System.Text.RegularExpressions.Regex.IsMatch(ps, @"(?m)^container-a Up ") && System.Text.RegularExpressions.Regex.IsMatch(ps, @"(?m)^container-b Up ");
        }, TimeSpan.FromSeconds(5)), lab.Must("-H", "h1", "ps"));
        var state = lab.Must("-H", "h2", "inspect", "container-b", "--format", "{{.State.Status}} {{.State.Running}} {{.State.StartedAt}}").Trim().Split(' ');
        Assert.Equal(["running", "true"], state[..2]);
        Assert.True(DateTimeOffset.Parse(state[2], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-10), state[2]);

        // Like docker inspect: a name that is no container is looked up as a network; one that is neither is named.
        Assert.Equal("overlay", lab.Must("-H", "h1", "inspect", "app-overlay", "--format", "{{.Driver}}").Trim());
        var ghost = lab.Weft("-H", "h1", "inspect", "ghost");
        Assert.Equal(1, ghost.ExitCode);
        Assert.Contains("Error: No such object: ghost", ghost.Err);
    }

    [RootFact("ip", "ping", "getent", "dig")]
    public void A_container_on_another_network_cannot_reach_container_b_and_the_drop_is_counted()
    {
        lab.Must("-H", "h1", "network", "create", "other-net");
        lab.Must("-H", "h1", "run", "-d", "--name", "intruder", "--network", "other-net");
        try
        {
            var intruder = lab.NamespaceOf("intruder", 1);
            Assert.True(CliLab.Eventually(() => NetworkNamespace.Exists(intruder), TimeSpan.FromSeconds(3)));
            var b = lab.AddressOf("container-b");
            var bMac = LabFixture.Json(lab.NamespaceOf("container-b", 2), "link", "show", "eth0")[0].GetProperty("address").GetString()!;

            // Weft's DNS answers only the names of containers on the networks the asker shares.
            Assert.True(CliLab.Eventually(() => lab.Weft("-H", "h1", "exec", "intruder", "true").ExitCode == 0, TimeSpan.FromSeconds(3)));
            var lookup = lab.Weft("-H", "h1", "exec", "intruder", "getent", "hosts", "container-b");
            Assert.True(lookup.ExitCode != 0, $"the intruder resolved container-b: {lookup.Out}");
            var reverse = lab.Weft("-H", "h1", "exec", "intruder", "dig", "+short", "-x", b, "@127.0.0.11");
            Assert.DoesNotContain("container-b", reverse.Out); // nor its address back to its name

            // Even told that app-overlay's subnet is on its link and given container-b's MAC (so no ARP is needed), the
            // intruder's frames stay on its own VNI, where other-net's data path (the kernel's vxlan device here) has no
            // entry for that MAC and no peer to flood to: dropped, and counted on other-net's device.
            Tool.Run("ip", "-n", intruder, "route", "add", b[..b.LastIndexOf('.')] + ".0/24", "dev", "eth0").EnsureSuccess("ip route add");
            Tool.Run("ip", "-n", intruder, "neigh", "replace", b, "lladdr", bMac, "dev", "eth0", "nud", "permanent").EnsureSuccess("ip neigh replace");
            var otherVni = uint.Parse(lab.Must("-H", "h1", "network", "inspect", "other-net", "--format", "{{.Vni}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("kernel", lab.Must("-H", "h1", "network", "inspect", "other-net", "--format", "{{.DataPath}}").Trim());
            var before = NetworkDrops("h1", otherVni);

            var ping = Tool.Run("ip", ["netns", "exec", intruder, "ping", "-c", "2", "-W", "1", b], TimeSpan.FromSeconds(10));
            Assert.NotEqual(0, ping.ExitCode);
            Assert.Contains("2 packets transmitted, 0 received", ping.StdOut);
            var after = NetworkDrops("h1", otherVni);
            Assert.True(after - before >= 2, $"h1 counted {after - before} drops on other-net's device for the intruder's 2 echo requests");
        }
        finally
        {
            lab.Weft("-H", "h1", "rm", "intruder");
            lab.Weft("-H", "h1", "network", "rm", "other-net");
        }
    }

    [RootFact("ip")]
    public async Task A_20_MB_tcp_transfer_between_the_containers_arrives_intact()
    {
        var data = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        var b = IPAddress.Parse(lab.AddressOf("container-b"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var sink = TcpSink.Start(lab.NamespaceOf("container-b", 2), 5001, timeout.Token);

        using (var client = NetworkNamespace.OpenSocket(lab.NamespaceOf("container-a", 1), AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(b, 5001), timeout.Token);
            await client.SendAsync(data, timeout.Token);
            client.Shutdown(SocketShutdown.Send);
            var (total, hash) = await sink.Received;
            Assert.Equal(data.LongLength, total);
            Assert.Equal(SHA256.HashData(data), hash);
        }
    }

    [RootFact("ip", "getent")]
    public void A_removed_container_stops_resolving_and_h1_forgets_its_mac_within_2_seconds()
    {
        lab.Must("-H", "h2", "run", "-d", "--name", "container-d", "--network", "app-overlay");
        var d = lab.AddressOf("container-d");
        Assert.True(CliLab.Eventually(() => ForwardingOnH1().Contains(d), TimeSpan.FromSeconds(1)), "h1 learned container-d within 1 s");
        Assert.True(CliLab.Eventually(() => Resolves("container-d"), TimeSpan.FromSeconds(1)), "container-d resolves within 1 s");

        lab.Must("-H", "h2", "rm", "container-d");
        Assert.True(CliLab.Eventually(() => !ForwardingOnH1().Contains(d), TimeSpan.FromSeconds(2)), "h1 forgot container-d's MAC within 2 s");
        Assert.True(CliLab.Eventually(() => !Resolves("container-d"), TimeSpan.FromSeconds(2)), "container-d stopped resolving within 2 s");
        Assert.True(CliLab.Eventually(() => !NetworkNamespace.Exists(lab.NamespaceOf("container-d", 2)), TimeSpan.FromSeconds(2)), "its namespace is gone");
    }

    [RootFact("ip", "ping", "getent", "stat")]
    public void After_weftd_on_h2_restarts_container_a_still_reaches_container_b()
    {
        var bNamespace = lab.NamespaceOf("container-b", 2);
        var kept = (Inode: NamespaceInode(bNamespace), Eth0: Eth0Index(bNamespace));
        var pidFile = $"/run/weft/{lab.Prefix}-h2/weftd.pid";
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Tool.Run("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnsureSuccess("kill weftd");
        Assert.True(CliLab.Eventually(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(10)), "weftd of h2 stopped");

        Assert.Contains("started weftd in", lab.Must("lab", "up", "--hosts", "3"));
        Assert.True(CliLab.Eventually(
            () => lab.Weft("-H", "h1", "exec", "container-a", "ping", "-c", "1", "-W", "1", "container-b").ExitCode == 0, TimeSpan.FromSeconds(10)),
            "container-a reaches container-b after h2's agent restarted");
        // h2's rebuilt DNS answers container-b again, and its plumbing was kept, not recreated: same namespace, same eth0.
        var a = lab.AddressOf("container-a");
        Assert.True(CliLab.Eventually(
            () => lab.Weft("-H", "h2", "exec", "container-b", "getent", "hosts", "container-a").Out.StartsWith(a + " ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5)), "container-b resolves container-a through h2's restarted agent");
        Assert.Equal(kept, (NamespaceInode(bNamespace), Eth0Index(bNamespace)));
    }

    /// <summary>The namespace's identity: the inode of the nsfs file its /run/netns name is bound to.</summary>
    private static string NamespaceInode(string ns) => Tool.Run("stat", "-L", "-c", "%i", $"/run/netns/{ns}").EnsureSuccess("stat").StdOut.Trim();

    private static int Eth0Index(string ns) => LabFixture.Json(ns, "link", "show", "eth0")[0].GetProperty("ifindex").GetInt32();

    [RootFact("ip", "ping")]
    public void Three_containers_on_three_hosts_all_reach_each_other()
    {
        lab.Must("-H", "h3", "run", "-d", "--name", "container-c", "--network", "app-overlay");
        try
        {
            var hosts = new[] { ("container-a", "h1"), ("container-b", "h2"), ("container-c", "h3") };
            foreach (var (from, host) in hosts)
            {
                foreach (var (to, _) in hosts.Where(h => h.Item1 != from))
                {
                    Assert.True(CliLab.Eventually(
                        () => lab.Weft("-H", host, "exec", from, "ping", "-c", "1", "-W", "1", to).ExitCode == 0, TimeSpan.FromSeconds(3)),
                        $"{from} -> {to}");
                }
            }
        }
        finally
        {
            lab.Weft("-H", "h3", "rm", "container-c");
        }
    }

    /// <summary>The host VTEP's drop counter for exactly one reason (0 before the first such drop).</summary>
    private long Drops(string host, string reason) =>
        JsonDocument.Parse(lab.Must("-H", host, "info", "--format", "{{json .DataPlane.Drops}}")).RootElement
            .TryGetProperty(reason, out var count) ? count.GetInt64() : 0;

    /// <summary>What network <paramref name="vni"/>'s overlay device on <paramref name="host"/> dropped (weft info).</summary>
    private long NetworkDrops(string host, uint vni) =>
        JsonDocument.Parse(lab.Must("-H", host, "info", "--format", "{{json .DataPlane.Networks}}")).RootElement.EnumerateArray()
            .Single(n => n.GetProperty("Vni").GetUInt32() == vni).GetProperty("Drops").GetInt64();

    private string ForwardingOnH1() => lab.Must("-H", "h1", "info", "--format", "{{json .DataPlane.Forwarding}}");

    private bool Resolves(string name) => lab.Weft("-H", "h1", "exec", "container-a", "getent", "hosts", name).ExitCode == 0;
}
