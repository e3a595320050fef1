using System.Diagnostics;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Tests;

/// <summary>
/// Membership with liveness through real agents: a manager and a worker in process with a 2 s heartbeat TTL; the worker
/// stops without leaving. The manager shows it down once its lease expired and withdraws its containers' endpoints after
/// it has seen it down for the grace period (two TTLs).
/// </summary>
public sealed class LivenessTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = LivenessCluster.Ttl;

    private RunningAgent _h1 = null!;
    private RunningAgent _h2 = null!;
    private WeftApiClient _c1 = null!;

    public async Task InitializeAsync()
    {
        _h1 = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1", heartbeatTtl: LivenessCluster.Ttl);
        _h2 = await RunningAgent.StartAsync(nodeName: "h2", underlayAddress: "127.0.0.1", heartbeatTtl: LivenessCluster.Ttl);
        _c1 = _h1.Client();
    }

    public async Task DisposeAsync()
    {
        _c1.Dispose();
        await _h2.DisposeAsync();
        await _h1.DisposeAsync();
    }

    [Fact]
    public async Task AStoppedWorkerIsShownDownAfterTheTtlAndLosesItsEndpointsAfterTheGrace()
    {
        await LivenessCluster.StartAsync(_h1, _h2, "n");

        var clock = Stopwatch.StartNew();
        await _h2.StopAsync(); // no leave: the process is gone, its heartbeats stop
        var nodes = await Eventually.WaitAsync(() => _c1.ListNodesAsync(), n => n.Any(x => x.Hostname == "h2" && x.Status == "down"));
        var downAfter = clock.Elapsed;
        Assert.Equal([("h1", "ready"), ("h2", "down")], nodes.Select(n => (n.Hostname, n.Status)).Order());
        // The lease lasts a TTL from the last heartbeat, which was at most a third of a TTL before the stop.
        Assert.True(downAfter >= Ttl * 2 / 3 - TimeSpan.FromMilliseconds(100), $"down after {downAfter}");

        // Within the grace the container is still on the network: a host that comes back quickly keeps its endpoints.
        Assert.Equal(["on-h1", "on-h2"], await ContainerNamesAsync(_c1, "n"));

        var left = await Eventually.WaitAsync(() => ContainerNamesAsync(_c1, "n"), c => !c.Contains("on-h2"), TimeSpan.FromSeconds(20));
        var withdrawnAfter = clock.Elapsed - downAfter;
        Assert.Equal(["on-h1"], left);
        Assert.True(withdrawnAfter >= Ttl * 2 - TimeSpan.FromMilliseconds(500), $"withdrawn {withdrawnAfter} after down");
        Assert.Equal(["on-h1"], (await _c1.ListContainersAsync()).SelectMany(c => c.Names).Select(n => n.TrimStart('/')));
        Assert.Equal("down", (await _c1.ListNodesAsync()).Single(n => n.Hostname == "h2").Status); // still a member, shown down
    }

    private static async Task<IReadOnlyList<string>> ContainerNamesAsync(WeftApiClient client, string network) =>
        [.. (await client.InspectNetworkAsync(network)).Containers.Values.Select(c => c.Name).Order(StringComparer.Ordinal)];
}
