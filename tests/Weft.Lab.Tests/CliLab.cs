using System.Text.RegularExpressions;
using Weft.Cli.Tests;

namespace Weft.Lab.Tests;

/// <summary>
/// A lab driven through the real <c>weft</c> CLI (in process) under a unique prefix; <c>weft lab down</c> on Dispose
/// stops its agents by PID and deletes its namespaces by name, also when a test failed.
/// </summary>
public abstract class CliLab : IDisposable
{
    protected CliLab(string prefixStart)
    {
        Prefix = prefixStart + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));
    }

    public string Prefix { get; }

    public static bool IsRoot => Environment.UserName == "root";

    public CliResult Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = Prefix }, args).GetAwaiter().GetResult();

    /// <summary>Runs weft and returns its output; throws with its error when it fails.</summary>
    public string Must(params string[] args)
    {
        var result = Weft(args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"weft {string.Join(' ', args)} failed ({result.ExitCode}): {result.Err}{result.Out}");
        return result.Out;
    }

    /// <summary>The container's overlay address as its network's inspect shows it.</summary>
    public string AddressOf(string container, string network)
    {
        var containers = Must("-H", "h1", "network", "inspect", network, "--format", "{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}");
        return Regex.Match(containers, Regex.Escape(container) + @"=(\d+\.\d+\.\d+\.\d+)").Groups[1].Value;
    }

    /// <summary>This host's reconciler passes so far (<c>weft info</c>'s ReconcilerPasses).</summary>
    public long ReconcilerPasses(string host) =>
        long.Parse(Must("-H", host, "info", "--format", "{{.ReconcilerPasses}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits until every one of <paramref name="hosts"/> has completed a reconciler pass that began after this call (its
    /// count grown by two: the pass in flight when it was read may have read the store before), so whatever the store held
    /// at the call has been converged to. Instead of sleeping and hoping the reconciler was not merely slow.
    /// </summary>
    public void WaitForFreshReconcilerPasses(params string[] hosts)
    {
        foreach (var (host, before) in hosts.Select(h => (h, ReconcilerPasses(h))).ToList())
        {
            Assert.True(Eventually(() => ReconcilerPasses(host) >= before + 2, TimeSpan.FromSeconds(30)),
                $"{host}'s reconciler completed no fresh pass within 30 s (passes {before} -> {ReconcilerPasses(host)})");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>
    /// True until the process has fully exited: its /proc entry is gone, or it is a zombie ("Z") with no thread left. Not
    /// the command line, nor the leader's state alone: after SIGKILL the leader thread is a zombie while the other threads
    /// still exit and hold the files, so the agent's socket could still accept a connection and reset it.
    /// </summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X") || Directory.GetDirectories($"/proc/{pid}/task").Length > 1;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (IsRoot) Weft("lab", "down");
        GC.SuppressFinalize(this);
    }
}
