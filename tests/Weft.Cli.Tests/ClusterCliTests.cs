using System.Text.RegularExpressions;
using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary><c>weft cluster init|join|nodes|leave</c> between two real in-process agents, as a user would type them.</summary>
public sealed partial class ClusterCliTests : IAsyncLifetime
{
    private RunningAgent _h1 = null!;
    private RunningAgent _h2 = null!;

    public async Task InitializeAsync()
    {
        _h1 = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1");
        _h2 = await RunningAgent.StartAsync(nodeName: "h2", underlayAddress: "127.0.0.1");
    }

    public async Task DisposeAsync()
    {
        await _h2.DisposeAsync();
        await _h1.DisposeAsync();
    }

    private static Task<CliResult> Weft(RunningAgent agent, params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string>(), ["-H", agent.SocketPath, .. args]);

    [Fact]
    public async Task InitPrintsTheJoinCommandThatWorksOnTheOtherHost()
    {
        var init = await Weft(_h1, "cluster", "init");
        Assert.Equal((0, ""), (init.ExitCode, init.Err));
        var join = JoinCommand().Match(init.Out);
        Assert.True(join.Success, init.Out);

        var joined = await Weft(_h2, "cluster", "join", "--token", join.Groups["token"].Value, join.Groups["manager"].Value);
        Assert.Equal((0, ""), (joined.ExitCode, joined.Err));
        Assert.StartsWith("This node joined the cluster as ", joined.Out);

        Assert.Equal(0, (await Weft(_h1, "network", "create", "app-overlay")).ExitCode);
        Assert.Equal("app-overlay\n", (await Weft(_h2, "network", "ls", "--format", "{{.Name}}")).Out);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        CliResult nodes;
        do
        {
            nodes = await Weft(_h2, "cluster", "nodes");
        }
        while (Regex.Matches(nodes.Out, "ready").Count < 2 && DateTime.UtcNow < deadline); // registration is asynchronous
        Assert.Matches(@"h1\s+127\.0\.0\.1\s+ready\s+manager\s+[A-Za-z0-9 ]+ ago", nodes.Out);
        Assert.Matches(@"h2\s+127\.0\.0\.1\s+ready\s+worker", nodes.Out);

        (await Weft(_h2, "cluster", "join", "--token", join.Groups["token"].Value, join.Groups["manager"].Value))
            .AssertOneLineError("already in a cluster");
        Assert.Equal((0, "Node left the cluster.\n"), await LeaveAsync());
    }

    [Fact]
    public async Task JoinWithAForgedTokenIsOneLine()
    {
        var init = await Weft(_h1, "cluster", "init");
        var join = JoinCommand().Match(init.Out);
        var token = join.Groups["token"].Value;
        var forged = token[..^1] + (char.ToUpperInvariant(token[^1]) == 'A' ? 'B' : 'A'); // base32 is case-insensitive: 'a' -> 'A' would forge nothing
        (await Weft(_h2, "cluster", "join", "--token", forged, join.Groups["manager"].Value)).AssertOneLineError("join");
    }

    private async Task<(int, string)> LeaveAsync()
    {
        var leave = await Weft(_h2, "cluster", "leave");
        return (leave.ExitCode, leave.Out);
    }

    [GeneratedRegex(@"weft cluster join --token (?<token>\S+) (?<manager>\S+)")]
    private static partial Regex JoinCommand();
}
