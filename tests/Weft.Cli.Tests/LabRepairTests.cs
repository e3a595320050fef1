using System.Globalization;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft lab up</c> on a lab whose agents broke (issue 5's bad input: it repairs or says how, in one line, and leaves
/// nothing half-made). Real weftd processes in real namespaces; observed with /proc, <c>ip netns identify</c> and the
/// agents' own answers.
/// </summary>
[Collection(LabCliTest.Collection)]
public sealed class LabRepairTests : LabCliTest
{
    [RootFact("ip")]
    public async Task UpRestartsADeadAgentAndRefusesInOneLineWhenTheManagersDataIsGone()
    {
        await MustAsync("lab", "up", "--hosts", "2");
        var dead = PidOf(2);
        Tool.Run("kill", "-KILL", dead.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -KILL weftd of h2"); // a crash: the pid file stays
        Assert.True(Eventually(() => !Directory.Exists($"/proc/{dead}"), TimeSpan.FromSeconds(10)), "weftd of h2 died");
        Assert.Contains("dead", (await Weft("lab", "status")).Out);

        var up = await MustAsync("lab", "up", "--hosts", "2");

        Assert.Contains($"weftd of h2 (pid {dead}) had died", up);
        Assert.Contains($"restarted weftd in {Prefix}-h2", up);
        var restarted = PidOf(2);
        Assert.NotEqual(dead, restarted);
        Assert.Contains("weftd", File.ReadAllText($"/proc/{restarted}/cmdline"), StringComparison.Ordinal);
        Assert.Equal($"{Prefix}-h2", Identify(restarted));
        Assert.Equal("active\n", await MustAsync("-H", "h2", "info", "--format", "{{.Cluster.LocalNodeState}}"));
        Assert.True(await EventuallyAsync(async () => (await Weft("-H", "h1", "cluster", "nodes")).Out.Split('\n')
            .Any(l => l.Contains(" h2 ", StringComparison.Ordinal) && l.Contains("ready", StringComparison.Ordinal)), TimeSpan.FromSeconds(15)), "h2 is ready in the cluster");

        // The manager dies and its cluster data is lost while h2 still belongs to its cluster: not repairable in place.
        var manager = PidOf(1);
        Tool.Run("kill", "-KILL", manager.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -KILL weftd of h1");
        Assert.True(Eventually(() => !Directory.Exists($"/proc/{manager}"), TimeSpan.FromSeconds(10)), "weftd of h1 died");
        Directory.Delete($"/run/weft/{Prefix}-h1/data", recursive: true);

        var refused = await Weft("lab", "up", "--hosts", "2");

        refused.AssertOneLineError($"the manager's cluster data (/run/weft/{Prefix}-h1/data/cluster) is gone while h2 still belongs to its cluster");
        Assert.Contains($"run 'weft lab down --prefix {Prefix}' then 'weft lab up --prefix {Prefix}'", refused.Err);
        Assert.Equal(manager, PidOf(1)); // nothing half-made: no new manager was started
        Assert.False(Directory.Exists($"/proc/{manager}"));
        Assert.False(Directory.Exists($"/run/weft/{Prefix}-h1/data"));
        Assert.Equal(restarted, PidOf(2)); // and h2 was left alone
        Assert.True(Directory.Exists($"/proc/{restarted}"));

        var down = await MustAsync("lab", "down", "--prefix", Prefix);
        Assert.Contains($"stopped weftd of h2 (pid {restarted})", down);
        Assert.False(Directory.Exists($"/proc/{restarted}"));
        Assert.Empty(LabNamespaces());
    }

    [RootFact("ip", "ping")]
    public async Task UpRestartsAnAgentWhoseHostNamespaceWasMadeAnewAndItsContainerReachesTheOtherHost()
    {
        await MustAsync("lab", "up", "--hosts", "2");
        await MustAsync("-H", "h1", "network", "create", "app-overlay");
        await MustAsync("-H", "h1", "run", "-d", "--name", "container-a", "--network", "app-overlay");
        await MustAsync("-H", "h2", "run", "-d", "--name", "container-b", "--network", "app-overlay");
        var orphaned = PidOf(2);
        Assert.Equal($"{Prefix}-h2", Identify(orphaned));

        // The host's namespace goes while its weftd keeps running (and answering on its socket) in the old one.
        Tool.Run("ip", "netns", "del", $"{Prefix}-h2").EnsureSuccess($"ip netns del {Prefix}-h2");
        Assert.Equal("", Identify(orphaned));
        Assert.Equal(0, (await Weft("-H", "h2", "version")).ExitCode);
        var broken = await Weft("lab", "status");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"pid {orphaned} in a deleted namespace", broken.Out);
        Assert.Contains($"namespace '{Prefix}-h2' is missing", broken.Out);
        Assert.Contains($"lab '{Prefix}' is broken: run 'weft lab up --prefix {Prefix}' to repair it", broken.Out);

        var up = await MustAsync("lab", "up", "--hosts", "2");

        Assert.Contains($"created namespace '{Prefix}-h2'", up);
        Assert.Contains($"weftd of h2 (pid {orphaned}) ran in a network namespace that is no longer {Prefix}-h2: stopped it", up);
        Assert.False(Directory.Exists($"/proc/{orphaned}"), "the orphaned weftd was stopped");
        var restarted = PidOf(2);
        Assert.NotEqual(orphaned, restarted);
        Assert.Equal($"{Prefix}-h2", Identify(restarted));
        Assert.Equal(Tool.Run("stat", "-L", "-c", "%d:%i", $"/run/netns/{Prefix}-h2").EnsureSuccess("stat").StdOut,
            Tool.Run("stat", "-L", "-c", "%d:%i", $"/proc/{restarted}/ns/net").EnsureSuccess("stat").StdOut);
        Assert.Contains($"lab '{Prefix}' is healthy", (await Weft("lab", "status")).Out);

        CliResult? ping = null;
        Assert.True(await EventuallyAsync(async () => (ping = await Weft("-H", "h2", "exec", "container-b", "ping", "-c", "1", "-W", "1", "container-a")).ExitCode == 0,
            TimeSpan.FromSeconds(20)), $"container-b (h2) reaches container-a (h1) after the repair: {ping?.Err}{ping?.Out}");
        Assert.Contains("1 received", ping!.Out);
    }

    private int PidOf(int host) => int.Parse(File.ReadAllText($"/run/weft/{Prefix}-h{host}/weftd.pid").Trim(), CultureInfo.InvariantCulture);

    /// <summary><c>ip netns identify PID</c>: the named namespace the process is in, "" when none of the names is its namespace.</summary>
    private static string Identify(int pid) =>
        Tool.Run("ip", "netns", "identify", pid.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("ip netns identify").StdOut.Trim();

    private static bool Eventually(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(200);
        }
        return true;
    }
}
