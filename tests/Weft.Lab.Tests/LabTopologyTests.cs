using Weft.TestSupport;

namespace Weft.Lab.Tests;

public sealed class LabTopologyTests : IDisposable
{
    private readonly LabFixture _lab = new();

    private string P => _lab.Prefix;

    public void Dispose() => _lab.Dispose();

    [RootFact("ip", "ping")]
    public void Up_builds_the_topology_and_the_hosts_ping_each_other_over_the_underlay()
    {
        var result = LabTopology.Up(P, 3);

        Assert.False(result.AlreadyUp);
        Assert.Equal([$"{P}-h1", $"{P}-h2", $"{P}-h3", $"{P}-net"], _lab.LabNamespaces());
        var links = LabFixture.Json($"{P}-net", "-d", "link", "show").EnumerateArray().ToList();
        var bridge = links.Single(l => l.GetProperty("ifname").GetString() == $"{P}br0");
        Assert.Equal("bridge", bridge.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Contains("UP", bridge.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        for (var h = 1; h <= 3; h++)
        {
            var port = links.Single(l => l.GetProperty("ifname").GetString() == $"{P}-h{h}");
            Assert.Equal($"{P}br0", port.GetProperty("master").GetString());
            Assert.Equal("veth", port.GetProperty("linkinfo").GetProperty("info_kind").GetString());
            var eth0 = LabFixture.Json($"{P}-h{h}", "addr", "show", "dev", "eth0").EnumerateArray().Single();
            Assert.Contains(eth0.GetProperty("addr_info").EnumerateArray(),
                a => a.GetProperty("local").GetString() == $"198.51.100.{h}" && a.GetProperty("prefixlen").GetInt32() == 24);
            var lo = LabFixture.Json($"{P}-h{h}", "link", "show", "dev", "lo").EnumerateArray().Single();
            Assert.Contains("UP", lo.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        }

        Assert.True(LabFixture.Ping($"{P}-h1", "198.51.100.2"));
        Assert.True(LabFixture.Ping($"{P}-h1", "198.51.100.3"));
        Assert.True(LabFixture.Ping($"{P}-h3", "198.51.100.2"));

        var status = LabTopology.Status(P);
        Assert.True(status.Healthy);
        Assert.Equal([1, 2, 3], status.Hosts.Select(h => h.Number));
        Assert.Equal("198.51.100.2", status.Hosts[1].Address?.ToString());
    }

    [RootFact("ip")]
    public void Up_twice_creates_nothing_twice_and_does_not_fail()
    {
        LabTopology.Up(P, 2);
        var before = _lab.LabNamespaces().ToDictionary(ns => ns, LabFixture.Links);

        var again = LabTopology.Up(P, 2);

        Assert.True(again.AlreadyUp, string.Join("; ", again.Changes));
        Assert.Equal(before.Keys, _lab.LabNamespaces());
        foreach (var (ns, links) in before) Assert.Equal(links, LabFixture.Links(ns)); // same ifindexes: nothing recreated
    }

    [RootFact("ip", "ping")]
    public void Up_repairs_a_half_built_lab()
    {
        LabTopology.Up(P, 2);
        Tool.Run("ip", "netns", "del", $"{P}-h2").EnsureSuccess("ip netns del");                  // a host vanished
        Tool.Run("ip", "-n", $"{P}-h1", "addr", "flush", "dev", "eth0").EnsureSuccess("flush");    // an address vanished
        Tool.Run("ip", "-n", $"{P}-net", "link", "set", $"{P}br0", "down").EnsureSuccess("down");  // the wire is down
        Assert.False(LabTopology.Status(P).Healthy);

        var repair = LabTopology.Up(P, 2);

        Assert.Contains(repair.Changes, c => c.Contains($"namespace '{P}-h2'"));
        Assert.Contains(repair.Changes, c => c.Contains("198.51.100.1/24"));
        Assert.True(LabTopology.Status(P).Healthy);
        Assert.True(LabFixture.Ping($"{P}-h1", "198.51.100.2"));
        Assert.True(LabFixture.Ping($"{P}-h2", "198.51.100.1"));
    }

    [RootFact("ip")]
    public void Down_removes_every_namespace_the_lab_made_and_the_root_namespace_is_never_touched()
    {
        var rootLinks = RootLinks();
        LabTopology.Up(P, 2);
        Assert.Equal(rootLinks, RootLinks());
        Tool.Run("ip", "netns", "add", $"{P}-h1-c1").EnsureSuccess("container namespace"); // as weftd would make one
        var before = _lab.LabNamespaces();
        Assert.Equal([$"{P}-h1", $"{P}-h1-c1", $"{P}-h2", $"{P}-net"], before);

        var result = LabTopology.Down(P);

        Assert.Empty(_lab.LabNamespaces());
        Assert.Equal(before, result.RemovedNamespaces.Order());
        Assert.False(result.NothingToRemove);
        Assert.False(LabTopology.Status(P).IsUp);
        Assert.Equal(rootLinks, RootLinks());
    }

    private static string RootLinks() =>
        string.Join(",", System.Text.Json.JsonDocument.Parse(Tool.Run("ip", "-j", "link", "show").EnsureSuccess("ip link").StdOut)
            .RootElement.EnumerateArray().Select(l => l.GetProperty("ifname").GetString()).Order());

    [RootFact("ip")]
    public void Down_with_nothing_up_says_so_without_failing()
    {
        var others = LabFixture.NamespaceNames();

        var result = LabTopology.Down(P);

        Assert.True(result.NothingToRemove);
        Assert.Contains("nothing to remove", result.Message);
        Assert.Equal(others.Order(), LabFixture.NamespaceNames().Order());
    }

    [RootFact("ip")]
    public void Status_names_what_is_wrong_with_a_host()
    {
        LabTopology.Up(P, 2);
        Tool.Run("ip", "-n", $"{P}-net", "link", "set", $"{P}-h2", "nomaster").EnsureSuccess("nomaster");

        var status = LabTopology.Status(P);

        Assert.True(status.Hosts[0].Healthy);
        Assert.False(status.Hosts[1].Healthy);
        Assert.Contains("not attached", status.Hosts[1].Problem);
        Assert.False(status.Healthy);
    }

    [Fact]
    public void Bad_prefixes_and_host_counts_are_refused_before_anything_is_made()
    {
        Assert.Contains("15 bytes", Assert.Throws<ArgumentException>(() => LabTopology.Up("abcdefghijk", 200)).Message);
        Assert.Throws<ArgumentException>(() => LabTopology.Up("bad-prefix", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabTopology.Up("ok", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabTopology.Up("ok", 255));
    }

    [Fact]
    public void Lab_namespaces_are_matched_by_exact_pattern_only()
    {
        Assert.True(LabNames.BelongsToLab("wt1", "wt1-net"));
        Assert.True(LabNames.BelongsToLab("wt1", "wt1-h12"));
        Assert.True(LabNames.BelongsToLab("wt1", "wt1-h2-app"));
        Assert.False(LabNames.BelongsToLab("wt1", "wt12-h1"));
        Assert.False(LabNames.BelongsToLab("wt1", "wt1-hx"));
        Assert.False(LabNames.BelongsToLab("wt1", "xwt1-net"));
        Assert.Equal(3, LabNames.HostNumber("wt1", "wt1-h3"));
        Assert.Null(LabNames.HostNumber("wt1", "wt1-h3-c"));
    }
}
