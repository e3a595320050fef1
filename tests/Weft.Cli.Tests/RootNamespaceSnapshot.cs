using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// The root network namespace's configuration as independent observers report it (<c>ip -j</c>, <c>bridge -j</c>, /proc,
/// <c>nft</c> and <c>iptables-save</c> when installed), normalized so that only configuration is compared: each section
/// is a sorted list of canonical entries with the kernel's own churn removed (link statistics and carrier state,
/// address lifetimes, IPv6 routes and addresses learned from router advertisements, which carry an expiry, and
/// netfilter counters). Everything Weft could add stays: links with their ifindex, flags, MTU, master and qdisc;
/// addresses; routes and rules of every table; static neighbours and FDB entries; forwarding and other conf/all sysctls.
/// </summary>
public sealed partial class RootNamespaceSnapshot
{
    /// <summary>Link flags that follow the carrier, not configuration.</summary>
    private static readonly HashSet<string> CarrierFlags = ["LOWER_UP", "NO-CARRIER", "DORMANT", "M-DOWN"];

    private static readonly string[] SysctlDirectories = ["/proc/sys/net/ipv4/conf/all", "/proc/sys/net/ipv6/conf/all"];

    private readonly SortedDictionary<string, IReadOnlyList<string>> _sections = new(StringComparer.Ordinal);

    private RootNamespaceSnapshot()
    {
    }

    /// <summary>Observers that are not installed here, so were not part of the snapshot.</summary>
    public IReadOnlyList<string> Skipped { get; private init; } = [];

    /// <summary>The number of entries in each section, e.g. for the test's log.</summary>
    public string Summary => string.Join(", ", _sections.Select(s => $"{s.Key}: {s.Value.Count}"));

    /// <summary>Takes the snapshot from this process, which runs in the root namespace.</summary>
    public static RootNamespaceSnapshot Take()
    {
        var skipped = new List<string>();
        var snapshot = new RootNamespaceSnapshot { Skipped = skipped };
        snapshot.Add("links", IpJson("link", "show").Select(Link));
        snapshot.Add("addresses", IpJson("addr", "show").SelectMany(Addresses));
        snapshot.Add("ipv4 routes", IpJson("-4", "route", "show", "table", "all").Where(NotLearned).Select(Route));
        snapshot.Add("ipv6 routes", IpJson("-6", "route", "show", "table", "all").Where(NotLearned).Select(Route));
        snapshot.Add("ipv4 rules", IpJson("-4", "rule", "show").Select(Canonical));
        snapshot.Add("ipv6 rules", IpJson("-6", "rule", "show").Select(Canonical));
        snapshot.Add("static neighbours", IpJson("neigh", "show", "nud", "permanent").Select(Canonical));
        snapshot.Add("fdb", JsonObserver.Read("bridge", "-j", "fdb", "show").Select(Canonical));
        snapshot.Add("sysctls", Sysctls());
        snapshot.AddIfInstalled(skipped, "nft", ["list", "ruleset"], NftCounters());
        snapshot.AddIfInstalled(skipped, "iptables-save", [], IptablesCounters());
        snapshot.AddIfInstalled(skipped, "ip6tables-save", [], IptablesCounters());
        return snapshot;
    }

    /// <summary>What differs in <paramref name="later"/>, one line per entry ("+" added, "-" gone); empty when nothing does.</summary>
    public string DifferencesTo(RootNamespaceSnapshot later)
    {
        var lines = new List<string>();
        foreach (var name in _sections.Keys.Union(later._sections.Keys).Order(StringComparer.Ordinal))
        {
            var before = _sections.GetValueOrDefault(name, []);
            var after = later._sections.GetValueOrDefault(name, []);
            lines.AddRange(after.Except(before).Select(e => $"+ {name}: {e}"));
            lines.AddRange(before.Except(after).Select(e => $"- {name}: {e}"));
        }
        return string.Join('\n', lines);
    }

    private void Add(string section, IEnumerable<string> entries) => _sections[section] = [.. entries.Order(StringComparer.Ordinal)];

    private void AddIfInstalled(List<string> skipped, string tool, string[] args, Regex counters)
    {
        if (Tool.Find(tool) is null)
        {
            skipped.Add(tool);
            return;
        }
        var output = Tool.Run(tool, args).EnsureSuccess($"{tool} {string.Join(' ', args)}").StdOut;
        Add(tool, output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#')) // iptables-save's "Generated … on <date>" and "Completed on <date>"
            .Select(l => counters.Replace(l, "<counters>")));
    }

    private static IEnumerable<JsonObject> IpJson(params string[] args) => JsonObserver.Read("ip", ["-j", .. args]);

    private static string Link(JsonObject link)
    {
        link.Remove("operstate");
        link.Remove("stats");
        link.Remove("stats64");
        link["flags"] = new JsonArray([.. link["flags"]!.AsArray().Select(f => f!.GetValue<string>()).Where(f => !CarrierFlags.Contains(f)).Select(f => JsonValue.Create(f))]);
        return Canonical(link);
    }

    private static IEnumerable<string> Addresses(JsonObject link)
    {
        var name = link["ifname"]!.GetValue<string>();
        foreach (var address in link["addr_info"]!.AsArray().Select(a => a!.AsObject()))
        {
            if (address["dynamic"]?.GetValue<bool>() == true) continue; // SLAAC: the kernel's, renewed by router advertisements
            address.Remove("valid_life_time");
            address.Remove("preferred_life_time");
            address["ifname"] = name;
            yield return Canonical(address);
        }
    }

    /// <summary>Routes with an expiry come from router advertisements or redirects, not from configuration.</summary>
    private static bool NotLearned(JsonObject route) => !route.ContainsKey("expires");

    private static string Route(JsonObject route)
    {
        if (route["flags"] is JsonArray flags)
            route["flags"] = new JsonArray([.. flags.Select(f => f!.GetValue<string>()).Where(f => f != "linkdown").Select(f => JsonValue.Create(f))]);
        return Canonical(route);
    }

    private static IEnumerable<string> Sysctls()
    {
        yield return $"net.ipv4.ip_forward={File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim()}";
        foreach (var file in SysctlDirectories.SelectMany(Directory.EnumerateFiles))
        {
            string value;
            try
            {
                value = File.ReadAllText(file).Trim();
            }
            catch (IOException)
            {
                continue; // write-only or unset (e.g. ipv6 stable_secret answers EIO)
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            yield return $"{file["/proc/sys/".Length..].Replace('/', '.')}={value}";
        }
    }

    /// <summary>Keys sorted so that two reports of the same object compare equal whatever order ip printed them in.</summary>
    private static string Canonical(JsonObject entry) =>
        new JsonObject(entry.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();

    [GeneratedRegex(@"counter packets \d+ bytes \d+")]
    private static partial Regex NftCounters();

    [GeneratedRegex(@"\[\d+:\d+\]")]
    private static partial Regex IptablesCounters();
}
