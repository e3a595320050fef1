using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary>Issue 4's "pool exhausted": an agent whose default pool holds one /24 refuses the second network and says to pass --subnet.</summary>
public sealed class PoolExhaustedTests
{
    [Fact]
    public async Task SecondNetworkFromAOneBlockPool()
    {
        await using var agent = await RunningAgent.StartAsync(defaultPool: "10.0.0.0/24");
        var env = new Dictionary<string, string> { ["WEFT_HOST"] = agent.SocketPath };
        Assert.Equal(0, (await CliResult.RunAsync(env, "network", "create", "first")).ExitCode);
        (await CliResult.RunAsync(env, "network", "create", "second")).AssertOneLineError("address pool 10.0.0.0/24 is exhausted: pass --subnet");
        Assert.Equal(0, (await CliResult.RunAsync(env, "network", "create", "--subnet", "10.99.0.0/24", "second")).ExitCode);
    }
}
