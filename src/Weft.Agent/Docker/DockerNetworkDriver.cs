using System.Text.Json;
using Microsoft.Extensions.Logging;
using Weft.Agent.DataPath;
using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;
using Weft.Control.Services;
using Weft.DataPlane.Host;
using Weft.Wire;

namespace Weft.Agent.Docker;

/// <summary>
/// Docker's NetworkDriver API, the Docker front door to Weft's one attachment path.
///
/// Design note. A Docker network of driver <c>weft</c> stands for one Weft network, cluster-wide: Scope "local" (swarm's
/// "global" scope needs a swarm manager) with ConnectivityScope "global", and one Docker network per dockerd, which weftd
/// makes itself for every Weft network (<see cref="DockerNetworkSync"/>). A network created with
/// <c>docker network create -d weft --ipam-driver weft</c> is checked at once (options, subnet) so Docker's error carries
/// Weft's message, and becomes a Weft network as soon as dockerd has stored its name (CreateNetwork is not told the name).
/// An endpoint is Weft's <see cref="Endpoint"/> record with the address Weft's IPAM gave; Join asks the host data path for
/// a veth whose sandbox end is on the network's bridge and whose other end, with the MAC 02:42:&lt;IP&gt; and the network's
/// MTU, dockerd moves into its container; DeleteEndpoint takes it back. Docker names the container only after the join,
/// so the endpoint's name and aliases are filled in from the Engine API right after (<see cref="DockerNames"/>).
/// </summary>
internal sealed partial class DockerNetworkDriver(
    AgentState state, AgentOptions options, DockerNetworkMap map, DockerNames names, IServiceProvider services, ILogger<DockerNetworkDriver> logger)
{
    private const string GenericOptions = "com.docker.network.generic";
    private static readonly TimeSpan MapWait = TimeSpan.FromSeconds(10);

    public static DriverCapabilities Capabilities { get; } = new("local", "global");

    public async Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken ct)
    {
        var driverOptions = DriverOptions(request.Options);
        var ipv4 = request.IPv4Data is [var single] ? single : throw new WeftInvalidArgumentException(
            $"a Weft network has exactly one IPv4 subnet, Docker gave {request.IPv4Data?.Count ?? 0}: pass at most one --subnet");
        if (request.IPv6Data is { Count: > 0 })
            throw new WeftInvalidArgumentException("Weft networks are IPv4 only: create the network without --ipv6");
        if (ipv4.AddressSpace != DockerIpamDriver.AddressSpace)
            throw new WeftInvalidArgumentException(
                "a weft network needs Weft's IPAM (Docker's default IPAM would give every host the same addresses): add --ipam-driver weft, or create it with 'weft network create', which makes it on every host's dockerd");
        if (driverOptions.Remove(DockerEngine.NetworkOption, out var weftId))
        {
            await map.PutAsync(request.NetworkID, weftId, ct); // one weftd made for a Weft network
            return;
        }
        // The user's: refuse now what the create would refuse; the subnet is already held for it since RequestPool.
        NetworkService.Validate(driverOptions, ipv4.Pool, ipv4.Gateway.Split('/')[0]);
        names.AdoptNetworkLater(request.NetworkID, await state.Control.Networks.FindReservationAsync(ipv4.Pool, ct));
    }

    public async Task DeleteNetworkAsync(NetworkRequest request, CancellationToken ct)
    {
        if (await map.GetAsync(request.NetworkID, ct) is { } weftId && await state.Control.Networks.FindAsync(weftId, ct) is { } network)
        {
            await state.Control.Networks.RemoveAsync(network.Id, ct); // `docker network rm`: removed everywhere (refused while other hosts use it)
            LogRemoved(logger, network.Name);
        }
        await map.RemoveAsync(request.NetworkID, ct);
    }

    public async Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken ct)
    {
        var network = await NetworkOfAsync(request.NetworkID, ct);
        if (!string.IsNullOrEmpty(request.Interface?.MacAddress))
            throw new WeftInvalidArgumentException($"Weft gives each container the MAC 02:42:<its IPv4 address>, so remote hosts can forward to it: leave --mac-address out");
        var cidr = request.Interface?.Address is { Length: > 0 } a ? a : throw new WeftInvalidArgumentException(
            $"Docker gave endpoint {Short(request.EndpointID)} no IPv4 address: use --ipam-driver weft for networks of driver weft");
        var address = Ipv4.Parse(cidr.Split('/')[0], "address");
        if (!Ipv4Cidr.Parse(network.Subnets[0].Subnet, "subnet").Contains(address))
            throw new WeftInvalidArgumentException($"address {cidr} is outside subnet {network.Subnets[0].Subnet} of network {network.Name}");
        var endpoint = await state.Control.Endpoints.AddRuntimeEndpointAsync(network, request.EndpointID, options.NodeName, EndpointRuntimes.Docker, address, ct);
        return new CreateEndpointResponse(new EndpointInterface { MacAddress = endpoint.MacAddress });
    }

    public async Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken ct)
    {
        var network = await NetworkOfAsync(request.NetworkID, ct);
        var endpoint = await state.Control.Endpoints.FindEndpointAsync(network.Id, request.EndpointID, ct)
            ?? throw new WeftNotFoundException($"endpoint {Short(request.EndpointID)} is not on network {network.Name}: it was removed meanwhile");
        var dataPath = services.GetService(typeof(HostDataPath)) as HostDataPath
            ?? throw new NotAvailableException("this weftd runs without a data path (--data-path off): it cannot plug containers in");
        if (services.GetService(typeof(HostReconciler)) is HostReconciler reconciler) await reconciler.ReconcileAsync(ct); // the sandbox, at once
        var hostInterface = dataPath.AttachForHandOff(new HandOffAttachment(
            endpoint.Id, (uint)network.Vni, IPv4Address.Parse(endpoint.IPv4Address), network.Mtu));
        names.NameEndpointLater(request.NetworkID, endpoint);
        return new JoinResponse(new InterfaceName(hostInterface, "eth"), network.Internal ? null : network.Subnets[0].Gateway, []);
    }

    public async Task DeleteEndpointAsync(EndpointRequest request, CancellationToken ct)
    {
        var weftId = await map.GetAsync(request.NetworkID, ct);
        var endpoint = weftId is null ? null : await state.Control.Endpoints.FindEndpointAsync(weftId, request.EndpointID, ct);
        if (endpoint is not null)
        {
            await state.Control.Endpoints.RemoveRuntimeEndpointAsync(endpoint, ct);
            if (!DockerNames.IsUnnamed(endpoint)) // stopped, perhaps to start again: its address stays its own (see DockerIpamDriver)
            {
                await state.Control.Endpoints.HoldAddressAsync(endpoint.NetworkId, Ipv4.Parse(endpoint.IPv4Address, "address"),
                    endpoint.ContainerId, endpoint.ContainerName, options.NodeName, ct);
                LogHeld(logger, endpoint.IPv4Address, endpoint.ContainerName);
            }
        }
        if (services.GetService(typeof(HostDataPath)) is HostDataPath dataPath && weftId is not null
            && await state.Control.Networks.FindAsync(weftId, ct) is { } network)
            dataPath.DetachHandOff(request.EndpointID, (uint)network.Vni);
    }

    /// <summary>The Weft network a Docker network stands for; a network the user just created may still be being adopted.</summary>
    private async Task<Network> NetworkOfAsync(string dockerNetworkId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + MapWait;
        while (true)
        {
            if (await map.GetAsync(dockerNetworkId, ct) is { } weftId)
                return await state.Control.Networks.FindAsync(weftId, ct)
                    ?? throw new WeftNotFoundException($"the Weft network of Docker network {Short(dockerNetworkId)} was removed: remove the Docker network too (weftd does so on its own shortly)");
            if (DateTime.UtcNow > deadline)
                throw new WeftNotFoundException($"Docker network {Short(dockerNetworkId)} stands for no Weft network: see the log of weftd on {options.NodeName}");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>The <c>-o key=value</c> options Docker passes in its generic map.</summary>
    private static Dictionary<string, string> DriverOptions(Dictionary<string, JsonElement>? generic)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (generic?.GetValueOrDefault(GenericOptions) is { ValueKind: JsonValueKind.Object } opts)
        {
            foreach (var property in opts.EnumerateObject())
                result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? "" : property.Value.GetRawText();
        }
        return result;
    }

    private static string Short(string id) => id[..Math.Min(12, id.Length)];

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker container {Container} left: its address {Address} stays its own until dockerd removes it")]
    private static partial void LogHeld(ILogger logger, string address, string container);

    [LoggerMessage(Level = LogLevel.Information, Message = "network {Network} removed from the cluster by docker network rm")]
    private static partial void LogRemoved(ILogger logger, string network);
}
