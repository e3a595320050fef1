using Microsoft.Extensions.Logging;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Agent.Docker;

/// <summary>
/// What Docker tells its network plugin only later, read from the Engine API in the background: the name of a network
/// the user created with <c>docker network create -d weft</c> (dockerd answers for it once CreateNetwork has returned),
/// which then becomes a Weft network, and the name and <c>--network-alias</c>es of a container that joined (dockerd lists
/// the endpoint once the join is done), which Weft's DNS then answers on every host.
/// </summary>
internal sealed partial class DockerNames(AgentState state, DockerEngine engine, DockerNetworkMap map, ILogger<DockerNames> logger) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private readonly CancellationTokenSource _stop = new();

    public void AdoptNetworkLater(string dockerNetworkId, string? reservation) => _ = Task.Run(() => AdoptNetworkAsync(dockerNetworkId, reservation, _stop.Token));

    public void NameEndpointLater(string dockerNetworkId, Endpoint endpoint) => _ = Task.Run(() => NameEndpointAsync(dockerNetworkId, endpoint, _stop.Token));

    /// <summary>
    /// Makes the Weft network for a Docker network the user created, taking over the subnet reserved for it (or maps it to
    /// the Weft network of that name and subnet).
    /// </summary>
    public async Task AdoptNetworkAsync(string dockerNetworkId, string? reservation, CancellationToken ct)
    {
        try
        {
            var deadline = DateTime.UtcNow + Patience;
            var docker = await engine.InspectNetworkAsync(dockerNetworkId, ct);
            while (docker is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(Poll, ct);
                docker = await engine.InspectNetworkAsync(dockerNetworkId, ct);
            }
            if (docker is null)
            {
                LogNeverAppeared(logger, dockerNetworkId, Patience.TotalSeconds);
                return;
            }
            var config = docker.IPAM?.Config?.FirstOrDefault();
            try
            {
                var existing = await state.Control.Networks.FindAsync(docker.Name, ct);
                var network = existing is not null && existing.Name == docker.Name && existing.Subnets[0].Subnet == config?.Subnet
                    ? existing
                    : await state.Control.Networks.CreateAsync(new NetworkCreateRequest
                    {
                        Name = docker.Name,
                        Subnet = Empty(config?.Subnet),
                        Gateway = Empty(config?.Gateway),
                        IpRange = Empty(config?.IPRange),
                        Options = new Dictionary<string, string>(docker.Options ?? new Dictionary<string, string>()),
                        Labels = new Dictionary<string, string>(docker.Labels ?? new Dictionary<string, string>()),
                        Internal = docker.Internal,
                        Attachable = docker.Attachable,
                        SubnetReservation = reservation,
                    }, ct);
                await map.PutAsync(dockerNetworkId, network.Id, ct);
                LogAdopted(logger, docker.Name, dockerNetworkId[..12], network.Vni);
            }
            catch (WeftException e)
            {
                LogAdoptFailed(logger, docker.Name, e.Message);
                await engine.RemoveNetworkAsync(dockerNetworkId, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBackgroundFailed(logger, "adopting Docker network " + dockerNetworkId, e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Gives a Docker container's endpoint its container's name, id and aliases once dockerd lists it.</summary>
    public async Task NameEndpointAsync(string dockerNetworkId, Endpoint endpoint, CancellationToken ct)
    {
        try
        {
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline)
            {
                if (await engine.ContainerOfEndpointAsync(dockerNetworkId, endpoint.Id, ct) is { } container)
                {
                    var current = await state.Control.Endpoints.FindEndpointAsync(endpoint.NetworkId, endpoint.Id, ct);
                    if (current is null) return; // left meanwhile
                    var named = current with { ContainerName = container.Name, ContainerId = container.Id, Aliases = container.Aliases };
                    if (!await state.Control.Endpoints.UpdateEndpointAsync(named, ct)) continue; // changed meanwhile: read again
                    LogNamed(logger, container.Name, endpoint.IPv4Address);
                    // It has an address now: one still held for it from an earlier run (not given back) goes to the pool.
                    foreach (var (address, claim) in await state.Control.Endpoints.HeldAddressesAsync(endpoint.NetworkId, endpoint.Host, ct))
                    {
                        if (claim.HeldFor == container.Id) await state.Control.Endpoints.ReleaseAddressAsync(endpoint.NetworkId, address, ct);
                    }
                    return;
                }
                await Task.Delay(Poll, ct);
            }
            LogNeverNamed(logger, endpoint.Id[..12], Patience.TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBackgroundFailed(logger, "naming endpoint " + endpoint.Id, e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>True while an endpoint still has the name it was given before Docker named its container.</summary>
    public static bool IsUnnamed(Endpoint endpoint) => endpoint.ContainerId == endpoint.Id;

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker network {Name} ({DockerId}) is Weft network VNI {Vni}")]
    private static partial void LogAdopted(ILogger logger, string name, string dockerId, int vni);

    [LoggerMessage(Level = LogLevel.Error, Message = "Docker network {Name} cannot become a Weft network, so it is removed: {Reason}")]
    private static partial void LogAdoptFailed(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker network {Id} was not listed by dockerd within {Seconds} s of its creation; not adopted")]
    private static partial void LogNeverAppeared(ILogger logger, string id, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker container {Name} joined with {Address}")]
    private static partial void LogNamed(ILogger logger, string name, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dockerd did not list endpoint {Endpoint} within {Seconds} s of its join; it stays unnamed until the next sync")]
    private static partial void LogNeverNamed(ILogger logger, string endpoint, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker plugin: {What} failed")]
    private static partial void LogBackgroundFailed(ILogger logger, string what, Exception exception);
}
