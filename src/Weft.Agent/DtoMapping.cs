using System.Globalization;
using Weft.Api.Dto;
using Weft.Control.Model;

namespace Weft.Agent;

/// <summary>Control-plane model to the Docker-shaped API objects.</summary>
internal static class DtoMapping
{
    /// <summary>The option Docker's overlay driver shows the VNI under; Weft shows it too so Docker tooling finds it.</summary>
    public const string DockerVxlanIdOption = "com.docker.network.driver.overlay.vxlanid_list";

    /// <summary>What seals encrypted networks (the data plane's <c>SealFormat.Algorithm</c>).</summary>
    public const string EncryptionAlgorithm = Weft.DataPlane.Sealing.SealFormat.Algorithm;

    public static NetworkInspect Network(Network network, IEnumerable<Endpoint> endpoints, IReadOnlyDictionary<string, Node> nodesByName,
        NetworkKeyMeta? keys = null)
    {
        var attached = endpoints.Where(e => e.NetworkId == network.Id).ToList();
        var options = new Dictionary<string, string>(network.Options)
        {
            [DockerVxlanIdOption] = network.Vni.ToString(CultureInfo.InvariantCulture),
        };
        return new NetworkInspect
        {
            Name = network.Name,
            Id = network.Id,
            Created = network.Created,
            Driver = network.Driver,
            IPAM = new IpamInfo
            {
                Config = [.. network.Subnets.Select(s => new IpamConfig
                {
                    Subnet = s.Subnet,
                    Gateway = s.Gateway,
                    IPRange = s.IpRange,
                    AuxiliaryAddresses = s.AuxiliaryAddresses is { Count: > 0 } aux ? new Dictionary<string, string>(aux) : null,
                })],
            },
            Internal = network.Internal,
            Attachable = network.Attachable,
            Containers = attached.ToDictionary(e => e.ContainerId, e => new NetworkContainer
            {
                Name = e.ContainerName,
                EndpointID = e.Id,
                MacAddress = e.MacAddress,
                IPv4Address = $"{e.IPv4Address}/{e.PrefixLength}",
            }),
            Options = options,
            Labels = new Dictionary<string, string>(network.Labels),
            Peers = [.. attached.Select(e => e.Host).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(host => new NetworkPeer { Name = host, IP = nodesByName.TryGetValue(host, out var node) ? node.UnderlayAddress : "" })],
            ExternalPeers = [.. network.ExternalPeers],
            Vni = network.Vni,
            Mtu = network.Mtu,
            Encrypted = network.Encrypted,
            EncryptionAlgorithm = network.Encrypted ? EncryptionAlgorithm : "",
            KeyEpoch = network.Encrypted ? keys?.SendEpoch ?? 0 : 0,
            NextKeyRotation = network.Encrypted ? keys?.NextRotation : null,
        };
    }

    public static SummaryNetworkSettings Endpoints(IEnumerable<Endpoint> endpoints, IReadOnlyDictionary<string, Network> networksById) => new()
    {
        Networks = endpoints
            .Where(e => networksById.ContainsKey(e.NetworkId))
            .ToDictionary(e => networksById[e.NetworkId].Name, e => new ContainerEndpoint
            {
                NetworkID = e.NetworkId,
                EndpointID = e.Id,
                IPAddress = e.IPv4Address,
                IPPrefixLen = e.PrefixLength,
                Gateway = networksById[e.NetworkId].Subnets.FirstOrDefault()?.Gateway ?? "",
                MacAddress = e.MacAddress,
            }),
    };

    public static ContainerSummary ContainerSummary(ContainerRecord container, SummaryNetworkSettings networks, (string State, string Status) run) => new()
    {
        Id = container.Id,
        Names = ["/" + container.Name],
        Created = container.Created.ToUnixTimeSeconds(),
        State = run.State,
        Status = run.Status,
        NetworkSettings = networks,
        Node = container.Host,
    };

    /// <summary>
    /// A Docker container on Weft networks, from its endpoints (named by the plugin once dockerd named it): up since its
    /// first endpoint joined, or unknown while its host is down.
    /// </summary>
    public static ContainerSummary DockerContainerSummary(IReadOnlyList<Endpoint> endpoints, SummaryNetworkSettings networks, Node? host, DateTimeOffset now)
    {
        var first = endpoints.MinBy(e => e.Created)!;
        var run = ContainerRunStatus.Of(new ContainerRunState(first.ContainerId, first.ContainerName, first.Host, first.Created), host, now);
        return new()
        {
            Id = first.ContainerId,
            Names = ["/" + first.ContainerName],
            Image = "(docker)",
            Created = first.Created.ToUnixTimeSeconds(),
            State = run.State,
            Status = run.Status,
            NetworkSettings = networks,
            Node = first.Host,
            Runtime = first.Runtime,
        };
    }

    public static ContainerInspect ContainerInspect(ContainerRecord container, SummaryNetworkSettings networks, ContainerRunState? started, string state) => new()
    {
        Id = container.Id,
        Name = "/" + container.Name,
        Created = container.Created,
        State = new ContainerState
        {
            Status = state, Running = state == "running",
            StartedAt = started?.StartedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "0001-01-01T00:00:00Z",
        },
        Config = new ContainerConfig { Hostname = container.Name },
        NetworkSettings = networks,
        Node = container.Host,
    };

    public static NodeInfo Node(Node node) => new()
    {
        ID = node.Id,
        Hostname = node.Name,
        Address = node.UnderlayAddress,
        Status = node.State == NodeState.Ready ? "ready" : "down",
        Role = node.Role == NodeRole.Manager ? "manager" : "worker",
        LastSeen = node.LastSeen,
    };
}
