using Docker.DotNet;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Control.Ipam;
using Weft.Control.Model;
using Weft.Control.Store;
using Weft.DataPlane.Host;

namespace Weft.Agent.Docker;

/// <summary>
/// Keeps this host's dockerd in step with the cluster, level-triggered: on every change under networks/ or
/// endpoints/ and every 30 s, it makes a Docker network of driver <c>weft</c> for each Weft network that has none here
/// (so <c>docker run --network NAME</c> works on every host with no command there), removes Docker networks whose Weft
/// network is gone (disconnecting their containers first), forgets Docker endpoints of this host that dockerd no
/// longer has (a container that went while weftd was down), and names endpoints whose naming was cut short. While
/// dockerd is absent it only waits.
/// </summary>
internal sealed partial class DockerNetworkSync(
    AgentState state, AgentOptions options, DockerEngine engine, DockerNetworkMap map, DockerNames names, IServiceProvider services, ILogger<DockerNetworkSync> logger)
    : BackgroundService
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Absent = TimeSpan.FromSeconds(2);

    /// <summary>How long a Docker network the user just created may stand for no Weft network (it is being adopted).</summary>
    private static readonly TimeSpan AdoptionGrace = TimeSpan.FromSeconds(40);

    /// <summary>How long an endpoint may be missing from dockerd before it is forgotten (Docker lists it only after the join).</summary>
    private static readonly TimeSpan JoinGrace = TimeSpan.FromSeconds(30);

    /// <summary>How long a subnet reserved for a network being created with docker may wait for it (its creator died otherwise).</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long after its creation an endpoint without a name is named by the sync rather than by its join.</summary>
    private static readonly TimeSpan NamingGrace = TimeSpan.FromSeconds(5);

    private CancellationTokenSource? _currentWatch;
    private bool _createFailed;

    /// <summary>Completed passes (tests wait on it).</summary>
    public long Passes { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.ControlChanged += InterruptWatch;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!engine.MayBeRunning)
                {
                    await Task.Delay(Absent, stoppingToken);
                    continue;
                }
                var store = state.Control.Store;
                using var resync = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                _currentWatch = resync;
                var revision = await store.GetRevisionAsync(stoppingToken);
                await SyncAsync(stoppingToken);
                resync.CancelAfter(_createFailed ? Absent : Resync); // a Docker network that could not be made is tried again soon
                try
                {
                    await foreach (var change in store.WatchAsync("", revision + 1, resync.Token))
                    {
                        var key = change.Kv.Key;
                        if (key.StartsWith(Keys.NetworksPrefix, StringComparison.Ordinal) || key.StartsWith(Keys.EndpointsPrefix, StringComparison.Ordinal))
                            await SyncAsync(stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or DockerApiException or IOException or TimeoutException)
            {
                LogDockerUnreachable(logger, engine.Host, e.Message);
                await Task.Delay(Absent, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void InterruptWatch()
    {
        try
        {
            _currentWatch?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>One pass over Weft's networks, this dockerd's networks and this host's Docker endpoints.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        var weft = (await state.Control.Networks.ListAsync(ct)).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var docker = await engine.ListWeftNetworksAsync(ct);
        var mapped = await map.ListAsync(ct);
        var now = DateTime.UtcNow;

        foreach (var network in docker)
        {
            if (mapped.TryGetValue(network.ID, out var weftId))
            {
                if (weft.ContainsKey(weftId)) continue;
                LogDangling(logger, network.Name);
                await engine.RemoveNetworkAsync(network.ID, ct);
                await map.RemoveAsync(network.ID, ct);
            }
            else if (now - network.Created.ToUniversalTime() > AdoptionGrace)
            {
                var byName = weft.Values.FirstOrDefault(n => n.Name == network.Name && n.Subnets[0].Subnet == network.IPAM?.Config?.FirstOrDefault()?.Subnet);
                if (byName is not null)
                {
                    await map.PutAsync(network.ID, byName.Id, ct); // its record was lost: the same name and subnet
                    continue;
                }
                LogDangling(logger, network.Name);
                await engine.RemoveNetworkAsync(network.ID, ct);
            }
        }

        _createFailed = false;
        var present = docker.Select(n => n.ID).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in mapped.Keys.Where(id => !present.Contains(id)))
            await map.RemoveAsync(stale, ct);

        var represented = mapped.Where(m => present.Contains(m.Key)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        var dockerNames = docker.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var network in weft.Values.Where(n => !represented.Contains(n.Id) && !dockerNames.Contains(n.Name)))
        {
            try
            {
                var id = await engine.CreateNetworkAsync(network, ct);
                LogCreated(logger, network.Name, id[..12]);
            }
            catch (DockerApiException e)
            {
                LogCreateFailed(logger, network.Name, e.Message);
                _createFailed = true;
            }
        }

        await ForgetGoneEndpointsAsync(weft, mapped.Where(m => present.Contains(m.Key)).ToDictionary(m => m.Value, m => m.Key, StringComparer.Ordinal), ct);
        await ReleaseHoldsOfRemovedAsync(represented, ct);
        if (await state.Control.Networks.ReleaseStaleReservationsAsync(ReservationLifetime, ct) is > 0 and var released)
            LogReservationsReleased(logger, released);
        Passes++;
    }

    /// <summary>Addresses held for stopped containers that dockerd no longer has (removed) go back to the pool.</summary>
    private async Task ReleaseHoldsOfRemovedAsync(IEnumerable<string> networkIds, CancellationToken ct)
    {
        HashSet<string>? containers = null;
        foreach (var networkId in networkIds)
        {
            foreach (var (address, claim) in await state.Control.Endpoints.HeldAddressesAsync(networkId, options.NodeName, ct))
            {
                containers ??= await engine.ContainerIdsAsync(ct);
                if (containers.Contains(claim.HeldFor!)) continue;
                await state.Control.Endpoints.ReleaseAddressAsync(networkId, address, ct);
                LogHoldReleased(logger, Ipv4.Format(address), claim.ContainerName);
            }
        }
    }

    /// <summary>Docker endpoints of this host that dockerd no longer has go (with their address and veth); unnamed ones get named.</summary>
    private async Task ForgetGoneEndpointsAsync(Dictionary<string, Network> weft, Dictionary<string, string> dockerIdOf, CancellationToken ct)
    {
        var mine = (await state.Control.Endpoints.ListAllAsync(ct))
            .Where(e => e.Host == options.NodeName && e.Runtime == EndpointRuntimes.Docker).GroupBy(e => e.NetworkId);
        foreach (var group in mine)
        {
            if (!weft.TryGetValue(group.Key, out var network) || !dockerIdOf.TryGetValue(group.Key, out var dockerId)) continue;
            var known = await engine.EndpointIdsAsync(dockerId, ct);
            if (known is null) continue;
            foreach (var endpoint in group)
            {
                if (known.Contains(endpoint.Id))
                {
                    // Naming starts at the join; one that was cut short (weftd restarted meanwhile) is resumed here.
                    if (DockerNames.IsUnnamed(endpoint) && DateTimeOffset.UtcNow - endpoint.Created > NamingGrace) names.NameEndpointLater(dockerId, endpoint);
                    continue;
                }
                if (DateTimeOffset.UtcNow - endpoint.Created < JoinGrace) continue;
                await state.Control.Endpoints.RemoveRuntimeEndpointAsync(endpoint, ct);
                var address = Ipv4.Parse(endpoint.IPv4Address, "address");
                if (DockerNames.IsUnnamed(endpoint)) await state.Control.Endpoints.ReleaseAddressAsync(network.Id, address, ct);
                else // the container may start again: its address stays its own until dockerd removes it (ReleaseHoldsOfRemovedAsync)
                    await state.Control.Endpoints.HoldAddressAsync(network.Id, address, endpoint.ContainerId, endpoint.ContainerName, options.NodeName, ct);
                if (services.GetService(typeof(HostDataPath)) is HostDataPath dataPath) dataPath.DetachHandOff(endpoint.Id, (uint)network.Vni);
                LogForgot(logger, endpoint.ContainerName, endpoint.IPv4Address, network.Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "made Docker network {Name} ({DockerId}) on this host's dockerd")]
    private static partial void LogCreated(ILogger logger, string name, string dockerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not make Docker network {Name} on this host's dockerd: {Reason}")]
    private static partial void LogCreateFailed(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker network {Name} stands for no Weft network any more: removed from this host's dockerd")]
    private static partial void LogDangling(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker container {Container} ({Address}) left network {Network} while weftd did not hear it: endpoint removed")]
    private static partial void LogForgot(ILogger logger, string container, string address, string network);

    [LoggerMessage(Level = LogLevel.Information, Message = "address {Address} held for Docker container {Container} released: the container was removed")]
    private static partial void LogHoldReleased(ILogger logger, string address, string container);

    [LoggerMessage(Level = LogLevel.Information, Message = "released {Count} subnet reservations that no network took over within 10 minutes")]
    private static partial void LogReservationsReleased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "dockerd at {Host} does not answer: {Reason}")]
    private static partial void LogDockerUnreachable(ILogger logger, string host, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker sync pass failed; retrying")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
