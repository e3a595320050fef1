using System.Net;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Tests;

/// <summary>
/// Two real agents in process: h1 runs <c>cluster init</c> (CA, token, mutual-TLS channel on 127.0.0.1), h2 joins with the
/// token and from then on works on the manager's store; both see the same networks, containers and nodes.
/// </summary>
public sealed class ClusterApiTests : IAsyncLifetime
{
    private RunningAgent _h1 = null!;
    private RunningAgent _h2 = null!;
    private WeftApiClient _c1 = null!;
    private WeftApiClient _c2 = null!;

    public async Task InitializeAsync()
    {
        _h1 = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1");
        _h2 = await RunningAgent.StartAsync(nodeName: "h2", underlayAddress: "127.0.0.1");
        _c1 = _h1.Client();
        _c2 = _h2.Client();
    }

    public async Task DisposeAsync()
    {
        _c1.Dispose();
        _c2.Dispose();
        await _h2.DisposeAsync();
        await _h1.DisposeAsync();
    }

    private async Task<ClusterInitResponse> InitAndJoinAsync()
    {
        var init = await _c1.ClusterInitAsync(new ClusterInitRequest());
        Assert.StartsWith("SWMTKN-1-", init.JoinToken);
        Assert.StartsWith("127.0.0.1:", init.ManagerAddress);
        var joined = await _c2.ClusterJoinAsync(new ClusterJoinRequest { RemoteAddr = init.ManagerAddress, JoinToken = init.JoinToken });
        Assert.False(string.IsNullOrEmpty(joined.NodeID));
        return init;
    }

    [Fact]
    public async Task JoinedAgentsShareNetworksContainersAndNodes()
    {
        var init = await InitAndJoinAsync();
        var info1 = await _c1.GetInfoAsync();
        var info2 = await _c2.GetInfoAsync();
        Assert.Equal(("active", true), (info1.Cluster.LocalNodeState, info1.Cluster.ControlAvailable));
        Assert.Equal(("active", false, init.ManagerAddress), (info2.Cluster.LocalNodeState, info2.Cluster.ControlAvailable, info2.Cluster.ManagerAddress));

        await _c1.CreateNetworkAsync(new NetworkCreateRequest { Name = "app-overlay" });
        Assert.Equal(["app-overlay"], (await _c2.ListNetworksAsync()).Select(n => n.Name));
        var a = await _c1.CreateContainerAsync("container-a", Run("app-overlay"));
        var b = await _c2.CreateContainerAsync("container-b", Run("app-overlay"));

        var network = await _c1.InspectNetworkAsync("app-overlay");
        Assert.Equal("10.0.0.2/24", network.Containers[a.Id].IPv4Address);
        Assert.Equal("10.0.0.3/24", network.Containers[b.Id].IPv4Address);
        Assert.Equal("h2", (await _c1.InspectContainerAsync("container-b")).Node);

        // Each agent registers itself over its store (the worker's through the channel) and heartbeats.
        var nodes = await Eventually.WaitAsync(() => _c1.ListNodesAsync(), n => n.Count == 2 && n.All(x => x.Status == "ready"));
        Assert.Equal([("h1", "manager", "ready"), ("h2", "worker", "ready")], nodes.Select(n => (n.Hostname, n.Role, n.Status)));
        Assert.Equal([new NetworkPeer { Name = "h1", IP = "127.0.0.1" }, new NetworkPeer { Name = "h2", IP = "127.0.0.1" }],
            (await _c2.InspectNetworkAsync("app-overlay")).Peers);

        // A container name is unique across the cluster, and exec says which host to ask.
        var duplicate = await Assert.ThrowsAsync<WeftApiException>(() => _c1.CreateContainerAsync("container-b", Run("app-overlay")));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var elsewhere = await Assert.ThrowsAsync<WeftApiException>(() => _c1.ExecAsync("container-b", new ExecRequest { Cmd = ["true"] }));
        Assert.Equal("container-b runs on h2: use -H h2", elsewhere.Message);
    }

    [Fact]
    public async Task AWrongTokenIsRefusedAndTheNodeStaysStandalone()
    {
        var init = await _c1.ClusterInitAsync(new ClusterInitRequest());
        var forged = init.JoinToken[..^4] + (init.JoinToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var error = await Assert.ThrowsAsync<WeftApiException>(() =>
            _c2.ClusterJoinAsync(new ClusterJoinRequest { RemoteAddr = init.ManagerAddress, JoinToken = forged }));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("inactive", (await _c2.GetInfoAsync()).Cluster.LocalNodeState);
    }

    [Fact]
    public async Task InitTwiceAndJoinWithLocalStateAreConflicts()
    {
        var init = await _c1.ClusterInitAsync(new ClusterInitRequest());
        var again = await Assert.ThrowsAsync<WeftApiException>(() => _c1.ClusterInitAsync(new ClusterInitRequest()));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already in a cluster", again.Message);

        await _c2.CreateNetworkAsync(new NetworkCreateRequest { Name = "local-only" });
        var busy = await Assert.ThrowsAsync<WeftApiException>(() =>
            _c2.ClusterJoinAsync(new ClusterJoinRequest { RemoteAddr = init.ManagerAddress, JoinToken = init.JoinToken }));
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Contains("remove them first", busy.Message);
    }

    [Fact]
    public async Task WorkerComesBackAsWorkerAfterRestartAndLeavesCleanly()
    {
        await InitAndJoinAsync();
        await _c1.CreateNetworkAsync(new NetworkCreateRequest { Name = "n" });
        await _c2.CreateContainerAsync("on-h2", Run("n"));

        await _h2.StopAsync();
        await _h2.StartAsync();
        Assert.Equal(["n"], (await _c2.ListNetworksAsync()).Select(n => n.Name));
        Assert.Equal("active", (await _c2.GetInfoAsync()).Cluster.LocalNodeState);

        await Eventually.WaitAsync(() => _c1.ListNodesAsync(), n => n.Any(x => x.Hostname == "h2"));
        using var keptIdentity = Cluster.Pki.NodeIdentity.Load(Path.Combine(_h2.Options.DataDir, "cluster")); // a copy a departing node might keep
        var manager = IPEndPoint.Parse((await _c1.GetInfoAsync()).Cluster.ManagerAddress);
        await using (var before = new Cluster.Store.RemoteClusterStore(new Cluster.Channel.ClusterClient(keptIdentity, manager)))
        {
            Assert.True(await before.GetRevisionAsync() > 0); // the same identity is admitted while the node is a member
        }
        await _c2.ClusterLeaveAsync();
        Assert.False(File.Exists(Path.Combine(_h2.Options.DataDir, "cluster", "node.key")));
        await using (var stale = new Cluster.Store.RemoteClusterStore(new Cluster.Channel.ClusterClient(keptIdentity, manager)))
        {
            // Its certificate still chains to the CA, but the manager refuses the node that left.
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => stale.GetRevisionAsync());
            Assert.True(refused is Cluster.ClusterException or IOException or System.Security.Authentication.AuthenticationException, refused.ToString());
        }
        Assert.Equal("inactive", (await _c2.GetInfoAsync()).Cluster.LocalNodeState);
        Assert.Empty(await _c2.ListNetworksAsync());
        Assert.Empty(await _c1.ListContainersAsync());
        Assert.DoesNotContain("h2", (await _c1.ListNodesAsync()).Select(n => n.Hostname));

        var managerLeave = await Assert.ThrowsAsync<WeftApiException>(() => _c1.ClusterLeaveAsync());
        Assert.Equal(HttpStatusCode.Conflict, managerLeave.StatusCode);
    }

    [Fact]
    public async Task InitWithoutAnUnderlayAddressSaysWhatToPass()
    {
        await using var bare = await RunningAgent.StartAsync(nodeName: "h3");
        using var client = bare.Client();
        var error = await Assert.ThrowsAsync<WeftApiException>(() => client.ClusterInitAsync(new ClusterInitRequest()));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("--advertise-addr", error.Message);
    }

    private static ContainerCreateRequest Run(string network) => new() { HostConfig = new HostConfig { NetworkMode = network } };
}
