using System.Diagnostics;
using System.Text.RegularExpressions;
using Weft.TestSupport;

namespace Weft.Bench.Tests;

/// <summary>
/// Smoke tests of <c>bench/dataplane</c>: a <c>--quick</c> run (1 × 2 s iperf3, 20 pings; about 30 s) prints a row with
/// numbers for every path and the ratio line, and leaves no namespace of its lab behind; a run interrupted right after its
/// first iperf3 server started (the underlay's, right after lab up: about 15 s) cleans up too.
/// The numbers themselves are not asserted (a benchmark, not a unit test). Observed with <c>ip netns list</c> and
/// <c>/proc</c>, never through Weft.
/// </summary>
public sealed class DataplaneScriptTests : IDisposable
{
    private static readonly Regex Number = new(@"^\d+(\.\d+)?$");
    private static readonly Regex ServerPid = new(@"underlay: iperf3 server pid (\d+) ");
    private readonly string _prefix = "wq" + Random.Shared.Next(0x10000).ToString("x4");

    [RootFact("iperf3", "ping", "tcpdump", "jq", "bridge", "gcc")]
    public void QuickRunPrintsEveryPathAndTheRatioAndCleansUp()
    {
        var run = Tool.Run("env", [$"WEFT_BENCH_PREFIX={_prefix}", Script, "--quick"], TimeSpan.FromSeconds(240));

        Assert.True(run.ExitCode == 0, $"bench/dataplane --quick exited {run.ExitCode}:\n{run.StdErr}\n{run.StdOut}");
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var path in new[] { "underlay", "kernel-vxlan", "weft-kernel", "weft-userspace", "weft-encrypted", "tap-relay-floor" })
        {
            var row = lines.Single(l => l.StartsWith(path + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(Number.IsMatch(row[1]) && Number.IsMatch(row[2]) && Number.IsMatch(row[3]), $"{path} row has no Gbit/s, RTT and ratio: {string.Join(' ', row)}\n{run.StdErr}");
        }
        foreach (var path in new[] { "weft-kernel", "weft-userspace" })
        {
            var weftRow = lines.Single(l => l.StartsWith(path + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^\d+\.\d$", weftRow[4]);         // weftd CPU seconds
            Assert.Matches(@"^\d+/\d+$", weftRow[5]);         // weftd VmHWM MiB per host
        }
        Assert.Matches(@"^\d+\.\d$", lines.Single(l => l.StartsWith("weft-encrypted ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
        Assert.Single(lines, l => Regex.IsMatch(l, @"^ratio weft-encrypted/kernel-vxlan = \d+\.\d\d$")); // measured, not "not available"
        Assert.Single(lines, l => Regex.IsMatch(l, @"^rtt overhead weft-userspace - tap-relay-floor = -?\d+ µs"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^rtt overhead weft-kernel - kernel-vxlan = -?\d+ µs"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^ratio weft-kernel/kernel-vxlan = \d+\.\d\d$"));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^ratio weft-userspace/kernel-vxlan = \d+\.\d\d$"));
        Assert.Empty(LabNamespaces());
    }

    [RootFact("iperf3", "ping", "tcpdump", "jq", "bridge")]
    public void InterruptedRunRemovesItsLabAndKillsItsIperf3Server()
    {
        // In a session of its own (env and setsid exec in place, so the PID is the script's and its process group's), so
        // that the interrupt below reaches the whole group the way Ctrl-C does. Started with SIGINT ignored, as a
        // background job of a non-interactive shell is (how CI starts it; bash cannot trap a signal ignored on entry, and
        // the script then ran on to exit 0): the script must restore SIGINT itself. Fails without that, whatever this
        // test host's own SIGINT disposition is.
        var psi = new ProcessStartInfo("env") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("--ignore-signal=INT");
        psi.ArgumentList.Add("setsid");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add("--quick");
        psi.Environment["WEFT_BENCH_PREFIX"] = _prefix;
        using var script = Process.Start(psi)!;
        _ = script.StandardOutput.ReadToEndAsync();
        int? server = null;
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (server is null && DateTime.UtcNow < deadline && script.StandardError.ReadLine() is { } line)
        {
            var m = ServerPid.Match(line);
            if (m.Success) server = int.Parse(m.Groups[1].Value);
        }
        Assert.True(server is not null, "bench/dataplane never started its first iperf3 server");
        _ = script.StandardError.ReadToEndAsync();
        Assert.True(Directory.Exists($"/proc/{server}"), "the iperf3 server the script named is not running");

        Tool.Run("kill", "-INT", "--", "-" + script.Id).EnsureSuccess("kill -INT the process group of bench/dataplane");
        Assert.True(script.WaitForExit(TimeSpan.FromSeconds(120)), "bench/dataplane did not exit after SIGINT");

        Assert.Equal(130, script.ExitCode);
        Assert.Empty(LabNamespaces());
        Assert.False(File.Exists($"/proc/{server}/cmdline") && File.ReadAllText($"/proc/{server}/cmdline").StartsWith("iperf3", StringComparison.Ordinal),
            $"iperf3 server {server} still runs after the interrupt");
    }

    private static string Script
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Weft.slnx"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root (Weft.slnx) not found above the test binaries"), "bench", "dataplane");
        }
    }

    private List<string> LabNamespaces() =>
        Tool.Run("ip", "netns", "list").EnsureSuccess("ip netns list").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(_prefix + "-", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        foreach (var ns in LabNamespaces().Where(n => n.Contains("-kv", StringComparison.Ordinal) || n.Contains("-fr", StringComparison.Ordinal)))
            Tool.Run("ip", "netns", "del", ns);
        if (LabNamespaces().Count > 0)
            Tool.Run(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Script))!, "weft"), ["--lab-prefix", _prefix, "lab", "down"], TimeSpan.FromSeconds(120));
    }
}
