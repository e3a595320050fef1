using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Services;

/// <summary>
/// Endpoints: a container's attachment to a network, with its address and MAC. The first endpoint of a container claims
/// its name cluster-wide (<see cref="Keys.ContainerName"/>, create-only); further endpoints of the same container (same
/// name, same host) reuse the claim (`network connect`); removing its last endpoint releases the name.
/// </summary>
public sealed partial class EndpointService(IClusterStore store, NetworkService networks, TimeProvider time)
{
    private readonly AddressAllocator _addresses = new(store);

    /// <summary>
    /// Attaches container <paramref name="containerName"/> on <paramref name="host"/> to <paramref name="network"/>.
    /// With <paramref name="newContainer"/> (`weft run`) the name must be free; otherwise a container of that name on the
    /// same host is connected to one more network.
    /// </summary>
    public async Task<Endpoint> CreateAsync(string network, string containerName, string host, string? fixedIp = null, bool newContainer = false, CancellationToken cancellationToken = default)
    {
        Names.Validate(containerName, "container");
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new WeftInvalidArgumentException($"container {containerName} needs a host: pass the node it runs on");
        }

        var net = await networks.InspectAsync(network, cancellationToken).ConfigureAwait(false);
        var (container, claimedName) = await ClaimNameAsync(containerName, host, newContainer, cancellationToken).ConfigureAwait(false);
        uint? address = null;
        try
        {
            var existing = await ListAsync(net, cancellationToken).ConfigureAwait(false);
            if (existing.Any(e => e.ContainerId == container.Id))
            {
                throw new WeftConflictException(
                    $"container {containerName} is already connected to network {net.Name}: nothing to do; to give it another address, disconnect it first with 'weft network disconnect {net.Name} {containerName}'");
            }

            var endpointId = Ids.New();
            address = await _addresses.AllocateAsync(net, new AddressClaim(endpointId, containerName), fixedIp, cancellationToken).ConfigureAwait(false);
            var endpoint = new Endpoint
            {
                Id = endpointId,
                ContainerName = containerName,
                ContainerId = container.Id,
                NetworkId = net.Id,
                Host = host,
                IPv4Address = Ipv4.Format(address.Value),
                PrefixLength = Ipv4Cidr.Parse(net.Subnets[0].Subnet, "subnet").PrefixLength,
                MacAddress = Ipv4.MacFor(address.Value),
                Created = time.GetUtcNow(),
            };
            await store.PutAsync(Keys.Endpoint(net.Id, endpointId), ModelJson.Serialize(endpoint), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (await store.GetAsync(Keys.Network(net.Id), cancellationToken).ConfigureAwait(false) is null)
            {
                await store.DeleteAsync(Keys.Endpoint(net.Id, endpointId), cancellationToken: CancellationToken.None).ConfigureAwait(false);
                throw new WeftNotFoundException($"network {network} not found: it was removed while {containerName} was being connected");
            }

            return endpoint;
        }
        catch
        {
            if (address is { } claimed)
            {
                await _addresses.ReleaseAsync(net.Id, claimed, CancellationToken.None).ConfigureAwait(false);
            }

            if (claimedName)
            {
                await store.DeleteAsync(Keys.ContainerName(containerName), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Detaches a container from a network and releases its address (and its name, if that was its last network).</summary>
    public async Task<Endpoint> RemoveAsync(string network, string containerName, CancellationToken cancellationToken = default)
    {
        var net = await networks.InspectAsync(network, cancellationToken).ConfigureAwait(false);
        var endpoint = (await ListAsync(net, cancellationToken).ConfigureAwait(false)).FirstOrDefault(e => e.ContainerName == containerName)
            ?? throw new WeftNotFoundException($"container {containerName} is not connected to network {net.Name}: see 'weft network inspect {net.Name}'");
        await DetachAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return endpoint;
    }

    /// <summary>The endpoints on a network, ordered by container name.</summary>
    public async Task<IReadOnlyList<Endpoint>> ListAsync(string network, CancellationToken cancellationToken = default) =>
        await ListAsync(await networks.InspectAsync(network, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Every endpoint of every network (what a host's reconciler watches under <see cref="Keys.EndpointsPrefix"/>).</summary>
    public async Task<IReadOnlyList<Endpoint>> ListAllAsync(CancellationToken cancellationToken = default) =>
        [.. (await store.ListAsync(Keys.EndpointsPrefix, cancellationToken).ConfigureAwait(false)).Select(kv => ModelJson.Deserialize<Endpoint>(kv.Value))];

    /// <summary>Every container with a claimed name, ordered by name.</summary>
    public async Task<IReadOnlyList<ContainerRecord>> ListContainersAsync(CancellationToken cancellationToken = default) =>
        [.. (await store.ListAsync(Keys.ContainerNamesPrefix, cancellationToken).ConfigureAwait(false)).Select(kv => ModelJson.Deserialize<ContainerRecord>(kv.Value))];

    /// <summary>A container by exact name, full id or unambiguous id prefix; null if none.</summary>
    public async Task<ContainerRecord?> FindContainerAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(nameOrId) || nameOrId.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        if (await store.GetAsync(Keys.ContainerName(nameOrId), cancellationToken).ConfigureAwait(false) is { } byName)
        {
            return ModelJson.Deserialize<ContainerRecord>(byName.Value);
        }

        var matches = (await ListContainersAsync(cancellationToken).ConfigureAwait(false))
            .Where(c => c.Id.StartsWith(nameOrId, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new WeftInvalidArgumentException(
                $"container id prefix '{nameOrId}' is ambiguous ({matches.Count} containers match): give more characters or the name"),
        };
    }

    /// <summary>Like <see cref="FindContainerAsync"/> but throws <see cref="WeftNotFoundException"/>.</summary>
    public async Task<ContainerRecord> InspectContainerAsync(string nameOrId, CancellationToken cancellationToken = default) =>
        await FindContainerAsync(nameOrId, cancellationToken).ConfigureAwait(false)
        ?? throw new WeftNotFoundException($"container {nameOrId} not found: list containers with 'weft ps'");

    /// <summary>All endpoints of one container (one per network it is on).</summary>
    public async Task<IReadOnlyList<Endpoint>> ListContainerEndpointsAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var container = await InspectContainerAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return [.. (await ListAllAsync(cancellationToken).ConfigureAwait(false)).Where(e => e.ContainerId == container.Id)];
    }

    /// <summary>Removes a container from every network and releases its name (`weft rm`).</summary>
    public async Task<ContainerRecord> RemoveContainerAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var container = await InspectContainerAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        foreach (var endpoint in (await ListAllAsync(cancellationToken).ConfigureAwait(false)).Where(e => e.ContainerId == container.Id))
        {
            await DetachAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteAsync(Keys.ContainerName(container.Name), cancellationToken: cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(Keys.ContainerState(container.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return container;
    }

    /// <summary>Detaches every endpoint on <paramref name="host"/> (node left or stayed down past its grace period).</summary>
    public async Task<IReadOnlyList<Endpoint>> RemoveHostEndpointsAsync(string host, CancellationToken cancellationToken = default)
    {
        var onHost = (await ListAllAsync(cancellationToken).ConfigureAwait(false)).Where(e => e.Host == host).ToList();
        foreach (var endpoint in onHost)
        {
            await DetachAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }

        return onHost;
    }

    private async Task<IReadOnlyList<Endpoint>> ListAsync(Network net, CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(Keys.Endpoints(net.Id), cancellationToken).ConfigureAwait(false))
            .Select(kv => ModelJson.Deserialize<Endpoint>(kv.Value))
            .OrderBy(e => e.ContainerName, StringComparer.Ordinal)];

    private async Task<(ContainerRecord Container, bool Claimed)> ClaimNameAsync(string name, string host, bool newContainer, CancellationToken cancellationToken)
    {
        var record = new ContainerRecord(Ids.New(), name, host, time.GetUtcNow());
        if (await store.CompareAndSwapAsync(Keys.ContainerName(name), 0, ModelJson.Serialize(record), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return (record, true);
        }

        var existing = await store.GetAsync(Keys.ContainerName(name), cancellationToken).ConfigureAwait(false);
        var holder = existing is null ? null : ModelJson.Deserialize<ContainerRecord>(existing.Value);
        if (holder is null || newContainer || holder.Host != host)
        {
            var where = holder is null ? "" : $" on host {holder.Host}";
            throw new WeftConflictException($"container name {name} is already in use{where}: choose another name or remove it with 'weft rm {name}'");
        }

        return (holder, false);
    }

    private async Task DetachAsync(Endpoint endpoint, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(Keys.Endpoint(endpoint.NetworkId, endpoint.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _addresses.ReleaseAsync(endpoint.NetworkId, Ipv4.Parse(endpoint.IPv4Address, "address"), cancellationToken).ConfigureAwait(false);
        var remaining = (await ListAllAsync(cancellationToken).ConfigureAwait(false)).Any(e => e.ContainerId == endpoint.ContainerId);
        if (!remaining)
        {
            await store.DeleteAsync(Keys.ContainerName(endpoint.ContainerName), cancellationToken: cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(Keys.ContainerState(endpoint.ContainerId), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
