using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Agent.Docker;

// The messages of Docker's plugin protocol for network drivers and IPAM drivers (libnetwork's docs/remote.md and
// docs/ipam.md), with Docker's own property names. Fields Weft does not use are left out; JSON it does not know is ignored.

public sealed record PluginActivation(IReadOnlyList<string> Implements);

public sealed record PluginError(string Err);

public sealed record DriverCapabilities(string Scope, string ConnectivityScope);

public sealed record IpamCapabilities(bool RequiresMACAddress, bool RequiresRequestReplay);

public sealed record AddressSpaces(string LocalDefaultAddressSpace, string GlobalDefaultAddressSpace);

public sealed record RequestPoolRequest
{
    public string AddressSpace { get; init; } = "";
    public string Pool { get; init; } = "";
    public string SubPool { get; init; } = "";
    public Dictionary<string, string>? Options { get; init; }
    public bool V6 { get; init; }
}

public sealed record RequestPoolResponse(string PoolID, string Pool, Dictionary<string, string> Data);

public sealed record ReleasePoolRequest
{
    public string PoolID { get; init; } = "";
}

public sealed record RequestAddressRequest
{
    public string PoolID { get; init; } = "";
    public string Address { get; init; } = "";
    public Dictionary<string, string>? Options { get; init; }
}

public sealed record RequestAddressResponse(string Address, Dictionary<string, string> Data);

public sealed record ReleaseAddressRequest
{
    public string PoolID { get; init; } = "";
    public string Address { get; init; } = "";
}

public sealed record IpamData
{
    public string AddressSpace { get; init; } = "";
    public string Pool { get; init; } = "";
    public string Gateway { get; init; } = "";
    public Dictionary<string, string>? AuxAddresses { get; init; }
}

public sealed record CreateNetworkRequest
{
    public string NetworkID { get; init; } = "";
    /// <summary>libnetwork's generic map: "com.docker.network.generic" holds the <c>-o</c> options, other keys flags.</summary>
    public Dictionary<string, JsonElement>? Options { get; init; }
    public List<IpamData>? IPv4Data { get; init; }
    public List<IpamData>? IPv6Data { get; init; }
}

public sealed record NetworkRequest
{
    public string NetworkID { get; init; } = "";
}

public sealed record EndpointInterface
{
    public string? Address { get; init; }
    public string? AddressIPv6 { get; init; }
    public string? MacAddress { get; init; }
}

public sealed record CreateEndpointRequest
{
    public string NetworkID { get; init; } = "";
    public string EndpointID { get; init; } = "";
    public EndpointInterface? Interface { get; init; }
}

public sealed record CreateEndpointResponse(EndpointInterface Interface);

public sealed record EndpointRequest
{
    public string NetworkID { get; init; } = "";
    public string EndpointID { get; init; } = "";
}

public sealed record JoinRequest
{
    public string NetworkID { get; init; } = "";
    public string EndpointID { get; init; } = "";
    public string SandboxKey { get; init; } = "";
}

public sealed record InterfaceName(string SrcName, string DstPrefix);

public sealed record StaticRoute(string Destination, int RouteType, string? NextHop);

public sealed record JoinResponse(InterfaceName InterfaceName, string? Gateway, IReadOnlyList<StaticRoute> StaticRoutes);

public sealed record OperationalInfo(Dictionary<string, string> Value);

public sealed record EmptyResponse;

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PluginActivation))]
[JsonSerializable(typeof(PluginError))]
[JsonSerializable(typeof(DriverCapabilities))]
[JsonSerializable(typeof(IpamCapabilities))]
[JsonSerializable(typeof(AddressSpaces))]
[JsonSerializable(typeof(RequestPoolRequest))]
[JsonSerializable(typeof(RequestPoolResponse))]
[JsonSerializable(typeof(ReleasePoolRequest))]
[JsonSerializable(typeof(RequestAddressRequest))]
[JsonSerializable(typeof(RequestAddressResponse))]
[JsonSerializable(typeof(ReleaseAddressRequest))]
[JsonSerializable(typeof(CreateNetworkRequest))]
[JsonSerializable(typeof(NetworkRequest))]
[JsonSerializable(typeof(CreateEndpointRequest))]
[JsonSerializable(typeof(CreateEndpointResponse))]
[JsonSerializable(typeof(EndpointRequest))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResponse))]
[JsonSerializable(typeof(OperationalInfo))]
[JsonSerializable(typeof(EmptyResponse))]
public sealed partial class PluginJsonContext : JsonSerializerContext;
