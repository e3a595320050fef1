using System.Net;
using System.Text.Json.Nodes;
using Weft.Agent.Tests;
using Weft.TestSupport;
using Xunit.Abstractions;

namespace Weft.Cli.Tests;

/// <summary>
/// LAB.md's first safety rule made a test: a lab with running agents, an overlay network and a container on each host
/// adds nothing to the root network namespace — no link, address, route, rule, neighbour, FDB entry, sysctl or netfilter
/// rule — neither while it is up nor after <c>weft lab down</c>; and inside the lab every route stays on lab addresses
/// (198.51.100.0/24 underlay, 10.0.0.0/8 overlay), so no default route leads out of it. Observed with <c>ip -j</c>,
/// <c>bridge -j</c> and /proc, see <see cref="RootNamespaceSnapshot"/>.
/// </summary>
[Collection(LabCliTest.Collection)]
public sealed class RootNamespaceUntouchedTests(ITestOutputHelper output) : LabCliTest
{
    private static readonly IPNetwork[] LabRanges = [IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("10.0.0.0/8")];
    private static readonly IPNetwork Loopback = IPNetwork.Parse("127.0.0.0/8");

    [RootFact("ip", "bridge", "ping")]
    public async Task LabWithAgentsAndContainersAddsNothingToTheRootNamespaceAndItsRoutesStayInTheLab()
    {
        var before = RootNamespaceSnapshot.Take();
        output.WriteLine($"root namespace before: {before.Summary}; not installed, so not observed: {string.Join(", ", before.Skipped.DefaultIfEmpty("none"))}");

        await MustAsync("lab", "up", "--hosts", "2", "--prefix", Prefix);
        await MustAsync("-H", "h1", "network", "create", "--driver", "overlay", "app-overlay");
        await MustAsync("-H", "h1", "run", "-d", "--name", "container-a", "--network", "app-overlay");
        await MustAsync("-H", "h2", "run", "-d", "--name", "container-b", "--network", "app-overlay");
        var ping = await Eventually.WaitAsync(() => Weft("-H", "h2", "exec", "container-b", "ping", "-c", "1", "-W", "1", "container-a"),
            r => r.ExitCode == 0, TimeSpan.FromSeconds(20));
        Assert.True(ping.ExitCode == 0, $"container-b (h2) reaches container-a (h1) by name: {ping.Err}{ping.Out}");
        Assert.Contains("1 received", ping.Out);

        var up = RootNamespaceSnapshot.Take();
        Assert.True(before.DifferencesTo(up) == "", $"the root namespace changed while the lab was up:\n{before.DifferencesTo(up)}");
        var labNamespaces = LabNamespaces();
        Assert.Contains($"{Prefix}-h1", labNamespaces);
        Assert.Contains($"{Prefix}-h2", labNamespaces);
        foreach (var ns in labNamespaces)
        {
            AssertRoutesStayInTheLab(ns);
        }

        await MustAsync("lab", "down", "--prefix", Prefix);

        var after = RootNamespaceSnapshot.Take();
        Assert.True(before.DifferencesTo(after) == "", $"the root namespace changed after lab down:\n{before.DifferencesTo(after)}");
        Assert.Empty(LabNamespaces());
    }

    /// <summary>
    /// Every route of <paramref name="ns"/> outside its local table (which only holds its own addresses) leads to a lab
    /// address: IPv4 destinations, gateways and source addresses in the lab ranges (a default route only through a lab
    /// gateway), IPv6 only link-local; and its IPv4 addresses are lab or loopback addresses.
    /// </summary>
    private void AssertRoutesStayInTheLab(string ns)
    {
        var routes = Ip(ns, "-4", "route", "show", "table", "all").Where(r => r["table"]?.GetValue<string>() != "local").ToList();
        output.WriteLine($"{ns} ipv4 routes: {string.Join(" | ", routes.Select(r => r.ToJsonString()))}");
        foreach (var route in routes)
        {
            var dst = route["dst"]!.GetValue<string>();
            Assert.True(dst == "default" ? route["gateway"] is not null : InLab(dst), $"{ns}: route to {dst} leaves the lab: {route.ToJsonString()}");
            foreach (var field in new[] { "gateway", "prefsrc" })
            {
                if (route[field] is { } address)
                    Assert.True(InLab(address.GetValue<string>()), $"{ns}: route to {dst} has {field} outside the lab: {route.ToJsonString()}");
            }
        }

        var routes6 = Ip(ns, "-6", "route", "show", "table", "all").Where(r => r["table"]?.GetValue<string>() != "local").ToList();
        output.WriteLine($"{ns} ipv6 routes: {string.Join(" | ", routes6.Select(r => r.ToJsonString()))}");
        Assert.All(routes6, r => Assert.True(r["dst"]!.GetValue<string>() == "fe80::/64", $"{ns}: an IPv6 route that is not link-local: {r.ToJsonString()}"));

        var addresses = Ip(ns, "-4", "addr", "show").SelectMany(l => l["addr_info"]!.AsArray()).Select(a => a!["local"]!.GetValue<string>()).ToList();
        output.WriteLine($"{ns} ipv4 addresses: {string.Join(" ", addresses)}");
        Assert.All(addresses, a => Assert.True(InLab(a) || Loopback.Contains(IPAddress.Parse(a)), $"{ns}: address {a} is not a lab address"));
    }

    /// <summary>An address, or a prefix wholly inside one of <see cref="LabRanges"/>.</summary>
    private static bool InLab(string addressOrPrefix)
    {
        var prefix = addressOrPrefix.Contains('/') ? IPNetwork.Parse(addressOrPrefix) : new IPNetwork(IPAddress.Parse(addressOrPrefix), 32);
        return LabRanges.Any(r => prefix.PrefixLength >= r.PrefixLength && r.Contains(prefix.BaseAddress));
    }

    private static IEnumerable<JsonObject> Ip(string ns, params string[] args) => JsonObserver.Read("ip", ["-n", ns, "-j", .. args]);
}
