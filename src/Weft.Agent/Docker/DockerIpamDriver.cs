using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;

namespace Weft.Agent.Docker;

/// <summary>
/// Docker's IpamDriver API over Weft's cluster-wide IPAM, so that no two dockerds hand out one address (each daemon's
/// default IPAM would). A pool is a Weft network's subnet: the one weftd created the Docker network for (its
/// <see cref="DockerEngine.NetworkOption"/>), or for <c>docker network create --ipam-driver weft</c> the subnet asked for
/// or the next free block of Weft's pool, checked against every Weft network's subnet. Container addresses are claimed
/// in the store exactly as for Weft's own containers (<c>--ip</c> included); the gateway is the network's.
/// </summary>
internal sealed class DockerIpamDriver(AgentState state)
{
    /// <summary>The only address space: Weft's subnets are cluster-wide.</summary>
    public const string AddressSpace = "weft";

    private const string RequestAddressType = "RequestAddressType";
    private const string GatewayRequest = "com.docker.network.gateway";

    /// <summary>Who holds an address Docker asked for, in the store's claim.</summary>
    public const string Holder = "docker";

    public static AddressSpaces AddressSpaces { get; } = new(AddressSpace, AddressSpace);

    public async Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken ct)
    {
        if (request.V6)
            throw new WeftInvalidArgumentException("Weft networks are IPv4 only: create the network without --ipv6");
        SubnetConfig config;
        if (request.Options?.GetValueOrDefault(DockerEngine.NetworkOption) is { Length: > 0 } id)
        {
            var network = await state.Control.Networks.FindAsync(id, ct)
                ?? throw new WeftNotFoundException($"Weft network {id} not found: it was removed while its Docker network was being made");
            config = network.Subnets[0];
        }
        else
        {
            config = await state.Control.Networks.PlanAsync(NullIfEmpty(request.Pool), null, NullIfEmpty(request.SubPool), new Dictionary<string, string>(), ct);
        }
        return new RequestPoolResponse(PoolId.From(config).ToString(), config.Subnet, []);
    }

    public async Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken ct)
    {
        var pool = PoolId.Parse(request.PoolID);
        if (request.Options?.GetValueOrDefault(RequestAddressType) == GatewayRequest)
            return new RequestAddressResponse(pool.WithPrefix(NullIfEmpty(request.Address) ?? pool.Gateway), []);
        var network = await state.Control.Networks.FindBySubnetAsync(pool.Subnet, ct)
            ?? throw new WeftNotFoundException($"no Weft network holds subnet {pool.Subnet} (yet): if the network was just created, try again in a moment");
        var address = await state.Control.Endpoints.ClaimAddressAsync(network, NullIfEmpty(request.Address), Holder, ct);
        return new RequestAddressResponse(pool.WithPrefix(Ipv4.Format(address)), []);
    }

    public async Task ReleaseAddressAsync(ReleaseAddressRequest request, CancellationToken ct)
    {
        var pool = PoolId.Parse(request.PoolID);
        var address = Ipv4.Parse(request.Address.Split('/')[0], "address");
        if (request.Address.Split('/')[0] == pool.Gateway) return;
        if (await state.Control.Networks.FindBySubnetAsync(pool.Subnet, ct) is { } network)
            await state.Control.Endpoints.ReleaseAddressAsync(network.Id, address, ct);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
