using Weft.Api.Dto;

namespace Weft.Agent.Tests;

/// <summary>A two-agent cluster for liveness tests: short heartbeat TTL, one container on each host.</summary>
public static class LivenessCluster
{
    /// <summary>Short, so a stopped node shows down in about 2 s and loses its endpoints about 4 s later.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    /// <summary>h1 inits a cluster, h2 joins; network <paramref name="network"/> with container on-h1 on h1 and on-h2 on h2; both ready.</summary>
    public static async Task StartAsync(RunningAgent manager, RunningAgent worker, string network)
    {
        using var c1 = manager.Client();
        using var c2 = worker.Client();
        var init = await c1.ClusterInitAsync(new ClusterInitRequest());
        await c2.ClusterJoinAsync(new ClusterJoinRequest { RemoteAddr = init.ManagerAddress, JoinToken = init.JoinToken });
        await c1.CreateNetworkAsync(new NetworkCreateRequest { Name = network });
        await c1.CreateContainerAsync("on-h1", new ContainerCreateRequest { HostConfig = new HostConfig { NetworkMode = network } });
        await c2.CreateContainerAsync("on-h2", new ContainerCreateRequest { HostConfig = new HostConfig { NetworkMode = network } });
        var nodes = await Eventually.WaitAsync(() => c1.ListNodesAsync(), n => n.Count == 2 && n.All(x => x.Status == "ready"));
        Assert.Equal([("h1", "ready"), ("h2", "ready")], nodes.Select(n => (n.Hostname, n.Status)).Order());
    }

}
