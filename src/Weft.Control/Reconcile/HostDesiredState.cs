using Weft.Control.Model;

namespace Weft.Control.Reconcile;

/// <summary>
/// A network this host takes part in (it has at least one local container on it). <see cref="ExternalPeers"/> are the
/// underlay IPv4 addresses of VTEPs outside the cluster on it (<see cref="Network.ExternalPeers"/>), which the data path
/// floods to and learns from like the network's Weft hosts.
/// </summary>
public sealed record DesiredNetwork(string Id, string Name, uint Vni, int Mtu, string Gateway, int PrefixLength, bool Encrypted,
    IReadOnlyList<string> ExternalPeers);

/// <summary>A container of this host on one network, with the interface name it gets inside the container (Weft's own containers only).</summary>
public sealed record DesiredLocalEndpoint(Endpoint Endpoint, DesiredNetwork Network, string Interface);

/// <summary>A container of this host that another runtime (Docker) runs, on one network.</summary>
public sealed record DesiredRuntimeEndpoint(Endpoint Endpoint, DesiredNetwork Network);

/// <summary>A container on another host that this host must be able to reach on <see cref="Vni"/>.</summary>
public sealed record DesiredRemoteEndpoint(uint Vni, string MacAddress, string IPv4Address, string Host, string UnderlayAddress);

/// <summary>A name a container can resolve: another (or the same) container on a network they share.</summary>
public sealed record VisibleName(string Name, string IPv4Address, string NetworkName);

/// <summary>
/// What one host's data plane should look like, computed from the cluster's desired state (networks, endpoints,
/// nodes). Pure: the agent diffs it against what it has applied. A host takes part in a network when one of its
/// containers is on it; it then needs every other host's containers on that network in its forwarding table, and
/// those hosts as peers. Containers see the names of the containers on the networks they share (Docker's rule).
/// </summary>
public sealed record HostDesiredState(
    IReadOnlyList<DesiredNetwork> Networks,
    IReadOnlyList<DesiredLocalEndpoint> Local,
    IReadOnlyList<DesiredRemoteEndpoint> Remote,
    IReadOnlyDictionary<string, IReadOnlyList<VisibleName>> NamesByContainer,
    IReadOnlyList<VisibleName> RuntimeNames,
    IReadOnlyList<DesiredRuntimeEndpoint> RuntimeEndpoints)
{
    /// <summary>Per network this host takes part in (by id): the names its containers resolve on it (every container's name and aliases there).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<VisibleName>> NamesByNetwork { get; init; } = new Dictionary<string, IReadOnlyList<VisibleName>>();

    public static HostDesiredState Compute(string hostName, IEnumerable<Network> networks, IEnumerable<Endpoint> endpoints, IEnumerable<Node> nodes)
    {
        var networksById = networks.ToDictionary(n => n.Id);
        var underlayByHost = nodes.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.First().UnderlayAddress);
        var all = endpoints.Where(e => networksById.ContainsKey(e.NetworkId)).OrderBy(e => e.Created).ThenBy(e => e.Id).ToList();

        // A local container of any runtime puts this host on its network (Docker's containers need the sandbox too).
        var joined = all.Where(e => e.Host == hostName).Select(e => e.NetworkId).Distinct()
            .Select(id => ToDesired(networksById[id])).OrderBy(n => n.Vni).ToList();
        var joinedById = joined.ToDictionary(n => n.Id);

        var local = all.Where(e => e.Host == hostName && e.Runtime == EndpointRuntimes.Weft)
            .GroupBy(e => e.ContainerName)
            .SelectMany(g => g.Select((e, i) => new DesiredLocalEndpoint(e, joinedById[e.NetworkId], $"eth{i}")))
            .ToList();

        var remote = all.Where(e => e.Host != hostName && joinedById.ContainsKey(e.NetworkId) && underlayByHost.ContainsKey(e.Host))
            .Select(e => new DesiredRemoteEndpoint(joinedById[e.NetworkId].Vni, e.MacAddress, e.IPv4Address, e.Host, underlayByHost[e.Host]))
            .ToList();

        var names = new Dictionary<string, IReadOnlyList<VisibleName>>();
        foreach (var container in local.GroupBy(l => l.Endpoint.ContainerName))
        {
            names[container.Key] = container
                .SelectMany(l => NamesOn(l.Network, all))
                .Distinct()
                .ToList();
        }

        // Other runtimes' containers of this host (Docker's): plumbed by their front door, seen here for the names their
        // own resolvers forward to Weft (every container on the networks they are on) and for the ports to keep.
        var runtime = all.Where(e => e.Host == hostName && e.Runtime != EndpointRuntimes.Weft)
            .Select(e => new DesiredRuntimeEndpoint(e, joinedById[e.NetworkId])).ToList();
        var runtimeNames = runtime.Select(r => r.Network).DistinctBy(n => n.Id).SelectMany(n => NamesOn(n, all)).Distinct().ToList();
        return new HostDesiredState(joined, local, remote, names, runtimeNames, runtime)
        {
            NamesByNetwork = joined.ToDictionary(n => n.Id, n => (IReadOnlyList<VisibleName>)NamesOn(n, all).Distinct().ToList()),
        };
    }

    /// <summary>Each container's name and aliases on <paramref name="network"/>.</summary>
    private static IEnumerable<VisibleName> NamesOn(DesiredNetwork network, IEnumerable<Endpoint> all) =>
        all.Where(e => e.NetworkId == network.Id)
            .SelectMany(e => e.Aliases.Prepend(e.ContainerName).Select(name => new VisibleName(name, e.IPv4Address, network.Name)));

    private static DesiredNetwork ToDesired(Network network)
    {
        var subnet = network.Subnets[0];
        var prefix = int.Parse(subnet.Subnet[(subnet.Subnet.IndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return new DesiredNetwork(network.Id, network.Name, (uint)network.Vni, network.Mtu, subnet.Gateway, prefix, network.Encrypted, network.ExternalPeers);
    }
}
