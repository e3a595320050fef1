using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Linux.Namespaces;

namespace Weft.DataPlane.Kernel;

/// <summary>
/// The host's VXLAN admission table for the kernel path, in nftables (table <c>ip weft</c> in the host's namespace).
///
/// Design note. The kernel's vxlan device delivers a datagram for its VNI from any source address, so without a filter
/// anyone who can reach the VXLAN port can put frames on a network (Docker's overlay has this hole). Weft keeps the
/// userspace VTEP's rule on the kernel path: per kernel VNI, a named set of its peers' underlay addresses and one rule in
/// a prerouting chain at raw priority, before routing and the vxlan socket, that drops and counts (a named counter per
/// VNI) VXLAN for that VNI (<c>@th,96,24</c>, the VNI field behind the 8-byte UDP header) from any other address. The same
/// table lets the userspace VTEP share the VXLAN port with the kernel, whose vxlan sockets own it: the VTEP listens on a
/// free port, and datagrams for every VNI that is not a kernel VNI (encrypted networks, unknown VNIs for the VTEP to
/// count), and probe frames (inner EtherType 0x88B5, <c>@th,224,16</c>) on kernel VNIs from admitted peers, get their
/// destination port rewritten to it (stateless, checksum fixed by nftables). nftables over a tc filter: named sets are
/// updated in one atomic transaction, counters read back as JSON, and the whole table is visible with <c>nft list
/// ruleset</c>. No maintained .NET library speaks nftables' netlink protocol, so the <c>nft</c> binary (Debian's nftables)
/// is driven with a script in and JSON out; it runs only when the wanted state differs from the kernel's. IPv4 only, as
/// Weft's underlay is today.
/// </summary>
public sealed partial class VxlanAdmission(string? namespaceName, ushort vxlanPort, ILogger? logger = null)
{
    public const string Table = "weft";
    private const string Nft = "/usr/sbin/nft";
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _gate = new();
    private string? _applied;
    private long _writes;

    /// <summary>How many times the table was written (a test sees that an unchanged state writes nothing).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Whether nftables works in <paramref name="namespaceName"/> (null: the current one): makes and deletes a scratch table.</summary>
    public static bool Probe(string? namespaceName, out string reason)
    {
        if (!File.Exists(Nft))
        {
            reason = $"{Nft} is missing (install Debian's nftables)";
            return false;
        }
        var (code, _, error) = Run(namespaceName, "table ip weft_probe {\n  chain c {\n    type filter hook prerouting priority raw;\n  }\n}\ndelete table ip weft_probe\n", "-f", "-");
        reason = code == 0 ? "nftables works" : $"nft failed: {error.Trim()}";
        return code == 0;
    }

    /// <summary>
    /// Converges the table: <paramref name="kernelVniPeers"/> are the kernel VNIs with their peers; VXLAN for other VNIs, and
    /// probes, go to <paramref name="userspacePort"/>. Writes one transaction only when what it would write differs from what
    /// it last wrote or the kernel's table differs from it (flushed or deleted behind Weft's back: written again, and logged).
    /// Named counters of VNIs that stay keep counting.
    /// </summary>
    public void Apply(IReadOnlyDictionary<uint, IReadOnlyCollection<IPAddress>> kernelVniPeers, ushort userspacePort)
    {
        lock (_gate)
        {
            var wanted = Render(kernelVniPeers, userspacePort);
            var current = ListTable();
            if (wanted == _applied && current is not null && Matches(current, kernelVniPeers, userspacePort)) return;
            if (_applied is not null && wanted == _applied) LogRepaired(_logger, Table);
            var script = new StringBuilder();
            script.Append(CultureInfo.InvariantCulture, $"table ip {Table} {{}}\n");
            if (current is not null)
            {
                // Empty what is there (chain first: its rules reference the sets), then drop sets and counters of VNIs gone.
                script.Append(CultureInfo.InvariantCulture, $"flush table ip {Table}\n");
                foreach (var chain in current.Chains) script.Append(CultureInfo.InvariantCulture, $"delete chain ip {Table} {chain}\n");
                foreach (var set in current.Sets) script.Append(CultureInfo.InvariantCulture, $"delete set ip {Table} {set}\n");
                foreach (var (vni, _) in current.Counters.Where(c => !kernelVniPeers.ContainsKey(c.Key)))
                    script.Append(CultureInfo.InvariantCulture, $"delete counter ip {Table} {CounterName(vni)}\n");
            }
            script.Append(wanted);
            var (code, _, error) = Run(namespaceName, script.ToString(), "-f", "-");
            if (code != 0) throw new InvalidOperationException($"nft -f (table ip {Table}) failed: {error.Trim()}");
            _applied = wanted;
            Interlocked.Increment(ref _writes);
        }
    }

    /// <summary>Per kernel VNI: datagrams (and bytes) dropped because their source was not a peer.</summary>
    public IReadOnlyDictionary<uint, (long Packets, long Bytes)> Drops() =>
        ListTable()?.Counters ?? new Dictionary<uint, (long, long)>();

    /// <summary>Deletes the table (an agent without the kernel path removes one an earlier run left).</summary>
    public void Remove()
    {
        lock (_gate)
        {
            _applied = null;
            if (ListTable() is null) return;
            var (code, _, error) = Run(namespaceName, $"delete table ip {Table}\n", "-f", "-");
            if (code != 0) throw new InvalidOperationException($"nft delete table ip {Table} failed: {error.Trim()}");
            LogRemoved(_logger, Table);
        }
    }

    private static string CounterName(uint vni) => $"refused_{vni}";

    private static string SetName(uint vni) => $"peers_{vni}";

    /// <summary>The table's contents as nft script (without the table line), deterministic for equal input.</summary>
    private string Render(IReadOnlyDictionary<uint, IReadOnlyCollection<IPAddress>> kernel, ushort userspacePort)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"table ip {Table} {{\n");
        foreach (var (vni, peers) in kernel.OrderBy(k => k.Key))
        {
            b.Append(CultureInfo.InvariantCulture, $"  counter {CounterName(vni)} {{ }}\n");
            var elements = peers.Where(p => p.AddressFamily == AddressFamily.InterNetwork).Select(p => p.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
            b.Append(CultureInfo.InvariantCulture, $"  set {SetName(vni)} {{ type ipv4_addr;{(elements.Count == 0 ? "" : $" elements = {{ {string.Join(", ", elements)} }};")} }}\n");
        }
        b.Append("  set kernel_vnis { typeof @th,96,24;");
        if (kernel.Count > 0) b.Append(CultureInfo.InvariantCulture, $" elements = {{ {string.Join(", ", kernel.Keys.Order())} }};");
        b.Append(" }\n");
        b.Append("  chain prerouting {\n    type filter hook prerouting priority raw; policy accept;\n");
        foreach (var vni in kernel.Keys.Order())
            b.Append(CultureInfo.InvariantCulture, $"    udp dport {vxlanPort} @th,96,24 {vni} ip saddr != @{SetName(vni)} counter name \"{CounterName(vni)}\" drop\n");
        if (userspacePort != 0)
        {
            b.Append(CultureInfo.InvariantCulture, $"    udp dport {vxlanPort} @th,224,16 0x88b5 udp dport set {userspacePort}\n");
            b.Append(CultureInfo.InvariantCulture, $"    udp dport {vxlanPort} @th,96,24 != @kernel_vnis udp dport set {userspacePort}\n");
        }
        b.Append("  }\n}\n");
        return b.ToString();
    }

    /// <summary>What the kernel has in the table, as far as deciding whether to rewrite it goes.</summary>
    private sealed record TableState(
        List<string> Chains, List<string> Sets, Dictionary<string, List<string>> Elements, Dictionary<uint, (long Packets, long Bytes)> Counters, int Rules);

    private static bool Matches(TableState current, IReadOnlyDictionary<uint, IReadOnlyCollection<IPAddress>> kernel, ushort userspacePort)
    {
        var expectedRules = kernel.Count + (userspacePort != 0 ? 2 : 0);
        if (current.Rules != expectedRules || !current.Chains.Contains("prerouting")) return false;
        if (!current.Elements.TryGetValue("kernel_vnis", out var vnis)
            || !vnis.Order().SequenceEqual(kernel.Keys.Order().Select(v => v.ToString(CultureInfo.InvariantCulture)))) return false;
        foreach (var (vni, peers) in kernel)
        {
            if (!current.Counters.ContainsKey(vni)) return false;
            if (!current.Elements.TryGetValue(SetName(vni), out var have)) return false;
            var want = peers.Where(p => p.AddressFamily == AddressFamily.InterNetwork).Select(p => p.ToString()).Distinct();
            if (!have.Order(StringComparer.Ordinal).SequenceEqual(want.Order(StringComparer.Ordinal))) return false;
        }
        return true;
    }

    private TableState? ListTable()
    {
        var (code, output, _) = Run(namespaceName, null, "-j", "list", "table", "ip", Table);
        if (code != 0) return null; // no such table
        var state = new TableState([], [], [], [], 0);
        var rules = 0;
        using var json = JsonDocument.Parse(output);
        foreach (var item in json.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain)) state.Chains.Add(chain.GetProperty("name").GetString()!);
            else if (item.TryGetProperty("rule", out _)) rules++;
            else if (item.TryGetProperty("set", out var set))
            {
                var name = set.GetProperty("name").GetString()!;
                state.Sets.Add(name);
                state.Elements[name] = set.TryGetProperty("elem", out var elem)
                    ? elem.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetInt64().ToString(CultureInfo.InvariantCulture) : e.ToString()).ToList()
                    : [];
            }
            else if (item.TryGetProperty("counter", out var counter)
                     && counter.GetProperty("name").GetString() is { } name && name.StartsWith("refused_", StringComparison.Ordinal)
                     && uint.TryParse(name.AsSpan("refused_".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var vni))
            {
                state.Counters[vni] = (counter.GetProperty("packets").GetInt64(), counter.GetProperty("bytes").GetInt64());
            }
        }
        return state with { Rules = rules };
    }

    /// <summary>Runs nft in <paramref name="namespaceName"/> (through <c>nsenter --net</c>; null: this process's namespace).</summary>
    private static (int Code, string Output, string Error) Run(string? namespaceName, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo(namespaceName is null ? Nft : "nsenter")
        {
            RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (namespaceName is not null)
        {
            start.ArgumentList.Add($"--net={NetworkNamespace.PathOf(namespaceName)}");
            start.ArgumentList.Add(Nft);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Nft}");
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill();
            return (-1, "", $"{Nft} did not finish within 10 s");
        }
        return (process.ExitCode, output, error.Result);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "nftables table ip {Table} was changed or deleted behind Weft's back; written again")]
    private static partial void LogRepaired(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "nftables table ip {Table} removed (no kernel path on this host)")]
    private static partial void LogRemoved(ILogger logger, string table);
}
