using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary>
/// A worker that stops without leaving, seen through the CLI on the manager: <c>weft cluster nodes</c> shows it down after
/// the heartbeat TTL (2 s here), and its container leaves <c>weft network inspect</c> after the grace period.
/// </summary>
public sealed class LivenessCliTests : IAsyncLifetime
{
    private RunningAgent _h1 = null!;
    private RunningAgent _h2 = null!;

    public async Task InitializeAsync()
    {
        _h1 = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1", heartbeatTtl: LivenessCluster.Ttl);
        _h2 = await RunningAgent.StartAsync(nodeName: "h2", underlayAddress: "127.0.0.1", heartbeatTtl: LivenessCluster.Ttl);
    }

    public async Task DisposeAsync()
    {
        await _h2.DisposeAsync();
        await _h1.DisposeAsync();
    }

    private Task<CliResult> Weft(params string[] args) => CliResult.RunAsync(new Dictionary<string, string>(), ["-H", _h1.SocketPath, .. args]);

    [Fact]
    public async Task AStoppedWorkerShowsDownAndItsContainerLeavesTheNetwork()
    {
        await LivenessCluster.StartAsync(_h1, _h2, "n");
        var containers = new[] { "network", "inspect", "n", "--format", "{{range .Containers}}{{.Name}} {{end}}" };
        Assert.Equal(["on-h1", "on-h2"], Words((await Weft(containers)).Out).Order());

        await _h2.StopAsync();
        var nodes = await Eventually.WaitAsync(() => Weft("cluster", "nodes", "--format", "{{.Hostname}} {{.Status}}"), r => r.Out.Contains("h2 down"));
        Assert.Equal((0, "h1 ready\nh2 down\n"), (nodes.ExitCode, nodes.Out));

        var after = await Eventually.WaitAsync(() => Weft(containers), r => !r.Out.Contains("on-h2"), TimeSpan.FromSeconds(20));
        Assert.Equal(["on-h1"], Words(after.Out));
        Assert.Matches(@"h2\s+127\.0\.0\.1\s+down\s+worker\s+[0-9A-Za-z ]+ ago", (await Weft("cluster", "nodes")).Out);
        Assert.Equal("on-h1\n", (await Weft("ps", "--format", "{{.Names}}")).Out);
    }

    private static string[] Words(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
}
