using System.Text;

namespace Weft.Cli.Demo;

/// <summary>
/// The demo's data-path narration: which path the demo network takes on each host with a container and why, as that
/// host's <c>network inspect</c> reports it (<c>{{.DataPath}}</c>, <c>{{.DataPathReason}}</c>), and the ping step's
/// explanation to match. The paths and reasons come from the agents; only what each kind of path does is written here.
/// </summary>
internal static class DemoDataPath
{
    public const string Template = "{{.DataPath}}: {{.DataPathReason}}";
    public const string Kernel = "kernel";
    public const string Userspace = "userspace";
    private const int Width = 118;

    /// <summary>
    /// The step: <c>network inspect</c> with <see cref="Template"/> on each of <paramref name="hosts"/>, printed as is, then
    /// what each path means there. Returns each host's path, as inspect printed it.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> StepAsync(DemoNarrator narrator, IReadOnlyList<string> hosts, CancellationToken ct)
    {
        await narrator.StepAsync("Which data path?",
            "Each host decides per network how its frames cross the underlay: on the kernel's own vxlan device, which weftd creates",
            "and programs (plain networks, where the kernel has vxlan and nftables), or on Weft's userspace VTEP inside weftd",
            "(encrypted networks, which it seals, and every network of a host run with --data-path userspace or whose kernel",
            "lacks vxlan or nftables). inspect answers for the host -H names, with the reason. Hosts without a container of",
            $"{DemoScenario.Network} carry none of its traffic.");
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var host in hosts)
        {
            paths[host] = PathOf(await narrator.WeftAsync(ct, "-H", host, "network", "inspect", DemoScenario.Network, "--format", Template));
        }
        var (code, vni, _) = await narrator.RunQuietlyAsync(ct, "-H", hosts[0], "network", "inspect", DemoScenario.Network, "--format", "{{.Vni}}");
        foreach (var line in Summary([.. hosts.Select(h => (h, paths[h]))], code == 0 ? vni.Trim() : null))
        {
            await narrator.SayAsync(line);
        }
        return paths;
    }

    /// <summary>The path in <see cref="Template"/>'s output: what precedes the first ':' of its first line.</summary>
    public static string PathOf(string inspectOutput)
    {
        var line = inspectOutput.Split('\n')[0];
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? line : line[..colon]).Trim();
    }

    /// <summary>What the network's path means on each host, hosts with the same path together, in the order given.</summary>
    public static IReadOnlyList<string> Summary(IReadOnlyList<(string Host, string Path)> paths, string? vni)
    {
        var lines = new List<string>();
        foreach (var group in paths.GroupBy(p => p.Path, StringComparer.Ordinal))
        {
            var hosts = Join(group.Select(p => p.Host).ToList());
            lines.AddRange(Wrap(group.Key switch
            {
                Kernel => $"{hosts}: the kernel's vxlan device {(vni is { Length: > 0 } ? $"wv{vni}" : "wv<VNI>")}, on the network's bridge in its sandbox, carries " +
                          $"{DemoScenario.Network}. weftd wrote its entries (each remote container's MAC with its host, each remote address for " +
                          "proxy ARP, each peer host for broadcasts) and an nftables rule that admits VXLAN on this VNI only from the network's " +
                          "peers; the device keeps forwarding if weftd stops.",
                Userspace => $"{hosts}: Weft's userspace VTEP in weftd carries {DemoScenario.Network}: it reads and writes the network's frames " +
                             "through a TAP (vtep0) on the network's bridge and sends them from its own UDP socket.",
                "" => $"{hosts}: inspect named no data path.",
                _ => $"{hosts}: data path '{group.Key}'.",
            }));
        }
        return lines;
    }

    /// <summary>The ping step's explanation: a frame from container-a on <paramref name="from"/> to container-b on <paramref name="to"/>.</summary>
    public static IReadOnlyList<string> PingExplanation(string from, string fromPath, string to, string toPath)
    {
        var text = new StringBuilder();
        text.Append(fromPath switch
        {
            Kernel => $"On {from}, the vxlan device answers container-a's ARP for container-b itself, from the neighbour entry weftd wrote " +
                      "(no ARP flood crosses the wire), wraps each frame in VXLAN with the network's VNI and sends it over UDP 4789 to " +
                      $"the host its FDB entry for container-b's MAC names, {to}. ",
            Userspace => $"The VTEP on {from} answers container-a's ARP for container-b itself from its forwarding table (no ARP flood " +
                         $"crosses the wire), wraps each frame in VXLAN with the network's VNI and sends it over UDP 4789 to {to}. ",
            _ => $"{from} wraps each frame in VXLAN with the network's VNI and sends it over UDP 4789 to {to}. ",
        });
        text.Append(toPath switch
        {
            Kernel => $"There nftables lets it in ({from} is a peer of the network) and the vxlan device unwraps it and hands it to container-b. ",
            Userspace => $"There the VTEP checks that {from} is a peer of the network, unwraps the frame and hands it to container-b. ",
            _ => "There it is unwrapped and handed to container-b. ",
        });
        text.Append("To both containers this is ordinary networking: they never notice the encapsulation.");
        return Wrap(text.ToString());
    }

    private static string Join(IReadOnlyList<string> hosts) =>
        hosts.Count == 1 ? hosts[0] : $"{string.Join(", ", hosts.Take(hosts.Count - 1))} and {hosts[^1]}";

    /// <summary>Breaks <paramref name="text"/> into lines of at most <see cref="Width"/> characters at spaces.</summary>
    private static List<string> Wrap(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > Width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }
}
