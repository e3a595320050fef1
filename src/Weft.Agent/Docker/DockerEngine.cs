using Docker.DotNet;
using Docker.DotNet.Models;

namespace Weft.Agent.Docker;

/// <summary>
/// This host's dockerd, through its Engine API (Docker.DotNet, pinned to API 1.41 so that Debian's dockerd 20.10
/// answers): the networks of driver <c>weft</c> weftd keeps in step with the cluster, and the names of the containers
/// on them.
/// </summary>
internal sealed class DockerEngine : IDisposable
{
    /// <summary>The driver name dockerd knows Weft by (a plugin may not take "overlay").</summary>
    public const string Driver = "weft";

    /// <summary>Option on the Docker networks weftd makes (driver and IPAM options): the Weft network they stand for.</summary>
    public const string NetworkOption = "weft.network";

    private static readonly System.Version ApiVersion = new(1, 41);
    private readonly DockerClient _client;

    public DockerEngine(string host)
    {
        Host = host;
        SocketPath = host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : null;
        _client = new DockerClientBuilder().WithEndpoint(new Uri(host)).WithApiVersion(ApiVersion).WithTimeout(TimeSpan.FromSeconds(30)).Build();
    }

    public string Host { get; }

    /// <summary>The socket file of a unix:// host; null for others.</summary>
    public string? SocketPath { get; }

    /// <summary>False while a unix:// dockerd has no socket (not installed, not started yet): nothing to ask.</summary>
    public bool MayBeRunning => SocketPath is null || File.Exists(SocketPath);

    public async Task<IList<NetworkResponse>> ListWeftNetworksAsync(CancellationToken ct) =>
        (await _client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["driver"] = new Dictionary<string, bool> { [Driver] = true } },
        }, ct)).Where(n => n.Driver == Driver).ToList();

    /// <summary>The network, with its endpoints; null if dockerd does not know it.</summary>
    public async Task<NetworkResponse?> InspectNetworkAsync(string id, CancellationToken ct)
    {
        try
        {
            return await _client.Networks.InspectNetworkAsync(id, ct);
        }
        catch (DockerNetworkNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Makes the Docker network for a Weft network: same name, subnet, gateway, ip-range, options, labels and internal flag.</summary>
    public async Task<string> CreateNetworkAsync(Weft.Control.Model.Network network, CancellationToken ct)
    {
        var subnet = network.Subnets[0];
        var options = new Dictionary<string, string>(network.Options) { [NetworkOption] = network.Id };
        var response = await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = network.Name,
            Driver = Driver,
            Internal = network.Internal,
            Attachable = true,
            Options = options,
            Labels = new Dictionary<string, string>(network.Labels),
            IPAM = new IPAM
            {
                Driver = Driver,
                Config = [new IPAMConfig { Subnet = subnet.Subnet, Gateway = subnet.Gateway, IPRange = subnet.IpRange }],
                Options = new Dictionary<string, string> { [NetworkOption] = network.Id },
            },
        }, ct);
        return response.ID;
    }

    /// <summary>Removes a Docker network, first disconnecting (forcibly) the containers still on it.</summary>
    public async Task RemoveNetworkAsync(string id, CancellationToken ct)
    {
        var network = await InspectNetworkAsync(id, ct);
        if (network is null) return;
        foreach (var container in network.Containers?.Keys ?? [])
        {
            try
            {
                await _client.Networks.DisconnectNetworkAsync(id, new NetworkDisconnectParameters { Container = container, Force = true }, ct);
            }
            catch (DockerApiException)
            {
                // gone meanwhile; the removal below says what is left
            }
        }
        try
        {
            await _client.Networks.DeleteNetworkAsync(id, ct);
        }
        catch (DockerNetworkNotFoundException)
        {
        }
    }

    /// <summary>A container's name and its aliases on the network it joined with <paramref name="endpointId"/>.</summary>
    public async Task<(string Id, string Name, IReadOnlyList<string> Aliases)?> ContainerOfEndpointAsync(string networkId, string endpointId, CancellationToken ct)
    {
        var network = await InspectNetworkAsync(networkId, ct);
        var entry = network?.Containers?.FirstOrDefault(c => c.Value.EndpointID == endpointId);
        if (entry is not { Key: { } containerId, Value: { } endpoint }) return null;
        var name = endpoint.Name;
        IReadOnlyList<string> aliases = [];
        try
        {
            var container = await _client.Containers.InspectContainerAsync(containerId, ct);
            name = container.Name.TrimStart('/');
            var settings = container.NetworkSettings?.Networks?.Values.FirstOrDefault(n => n.EndpointID == endpointId);
            aliases = settings?.Aliases?.Where(a => a != name).Distinct().ToList() ?? [];
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        return (containerId, name, aliases);
    }

    /// <summary>The endpoint ids dockerd has on a network (its containers' attachments).</summary>
    public async Task<HashSet<string>?> EndpointIdsAsync(string networkId, CancellationToken ct) =>
        (await InspectNetworkAsync(networkId, ct))?.Containers?.Values.Select(c => c.EndpointID).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether dockerd is busy with the container right now (starting it, typically): dockerd holds a container's lock for
    /// the whole of its start, network allocation included, and inspect waits for that lock, so an inspect that does not
    /// answer within <paramref name="patience"/> means busy. Null: no such container.
    /// </summary>
    public async Task<bool?> IsBusyAsync(string containerId, TimeSpan patience, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(patience);
        try
        {
            await _client.Containers.InspectContainerAsync(containerId, wait.Token);
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every container's state ("running", "exited", "created", …) by id, or null when dockerd does not answer within
    /// <paramref name="patience"/> (it is starting up: its API serves only after it has restored its containers).
    /// </summary>
    public async Task<Dictionary<string, string>?> ContainerStatesAsync(TimeSpan patience, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(patience);
        try
        {
            return (await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, wait.Token))
                .ToDictionary(c => c.ID, c => c.State, StringComparer.Ordinal);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The ids of every container dockerd has, running or not.</summary>
    public async Task<HashSet<string>> ContainerIdsAsync(CancellationToken ct) =>
        (await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct)).Select(c => c.ID).ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _client.Dispose();
}
