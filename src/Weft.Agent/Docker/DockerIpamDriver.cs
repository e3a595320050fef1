using Microsoft.Extensions.Logging;
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
///
/// A stopped container keeps its address (Docker releases it, and would hand out another on start): the plugin holds it
/// for the container (<see cref="AddressClaim.HeldFor"/>) until dockerd no longer has that container. Docker's address
/// request does not say which container asks, so when this host holds addresses on the network, the driver looks for the
/// one holder dockerd is busy starting (see <see cref="DockerEngine.IsBusyAsync"/>) and gives it its address back; when
/// none or several are being started, the request gets a free address.
/// </summary>
internal sealed partial class DockerIpamDriver(AgentState state, AgentOptions options, DockerEngine engine, ILogger<DockerIpamDriver> logger)
{
    private static readonly TimeSpan BusyPatience = TimeSpan.FromMilliseconds(300);

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
        if (request.Options?.GetValueOrDefault(DockerEngine.NetworkOption) is { Length: > 0 } id)
        {
            var network = await state.Control.Networks.FindAsync(id, ct)
                ?? throw new WeftNotFoundException($"Weft network {id} not found: it was removed while its Docker network was being made");
            return new RequestPoolResponse(PoolId.From(network.Subnets[0]).ToString(), network.Subnets[0].Subnet, []);
        }
        // The user's `docker network create`: the subnet is held at once, so that two creates on two hosts cannot take one.
        var (reservation, config) = await state.Control.Networks.ReserveSubnetAsync(NullIfEmpty(request.Pool), NullIfEmpty(request.SubPool), ct);
        return new RequestPoolResponse(PoolId.From(config, reservation).ToString(), config.Subnet, []);
    }

    /// <summary>A pool Docker gives up: a reservation no network took over (its create failed) is released.</summary>
    public async Task ReleasePoolAsync(ReleasePoolRequest request, CancellationToken ct)
    {
        if (PoolId.Parse(request.PoolID).Reservation is { } reservation)
            await state.Control.Networks.ReleaseReservationAsync(reservation, ct);
    }

    public async Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken ct)
    {
        var pool = PoolId.Parse(request.PoolID);
        if (request.Options?.GetValueOrDefault(RequestAddressType) == GatewayRequest)
            return new RequestAddressResponse(pool.WithPrefix(NullIfEmpty(request.Address) ?? pool.Gateway), []);
        var network = await state.Control.Networks.FindBySubnetAsync(pool.Subnet, ct)
            ?? throw new WeftNotFoundException($"no Weft network holds subnet {pool.Subnet} (yet): if the network was just created, try again in a moment");
        var wanted = NullIfEmpty(request.Address);
        var address = await ReclaimAsync(network, wanted, ct) ?? await state.Control.Endpoints.ClaimAddressAsync(network, wanted, Holder, ct);
        return new RequestAddressResponse(pool.WithPrefix(Ipv4.Format(address)), []);
    }

    /// <summary>The address held for the container dockerd is starting now, taken back for it; null when there is none.</summary>
    private async Task<uint?> ReclaimAsync(Network network, string? wanted, CancellationToken ct)
    {
        var held = await state.Control.Endpoints.HeldAddressesAsync(network.Id, options.NodeName, ct);
        if (wanted is not null) held = [.. held.Where(h => h.Address == Ipv4.Parse(wanted, "address"))];
        if (held.Count == 0) return null;
        // Only a container that exists and is not running can be the one starting; while dockerd restores its containers
        // after a restart its API does not answer at all, and then nobody can be told apart.
        var states = await engine.ContainerStatesAsync(BusyPatience, ct);
        if (states is null)
        {
            LogDockerdBusy(logger, network.Name);
            return null;
        }
        held = [.. held.Where(h => states.GetValueOrDefault(h.Claim.HeldFor!) is not "running")];
        var busy = await Task.WhenAll(held.Select(h => engine.IsBusyAsync(h.Claim.HeldFor!, BusyPatience, ct)));
        // Busy: being started. For its own fixed address a holder dockerd no longer has (it was removed) is no obstacle either.
        var starting = held.Zip(busy).Where(p => p.Second == true || (wanted is not null && p.Second is null)).Select(p => p.First).ToList();
        if (starting.Count != 1)
        {
            LogNotReclaimed(logger, network.Name, held.Count, starting.Count);
            return null;
        }
        var (address, claim) = starting[0];
        if (!await state.Control.Endpoints.ReclaimHeldAsync(network.Id, address, claim, Holder, ct)) return null;
        LogReclaimed(logger, Ipv4.Format(address), claim.ContainerName, network.Name);
        return address;
    }

    public async Task ReleaseAddressAsync(ReleaseAddressRequest request, CancellationToken ct)
    {
        var pool = PoolId.Parse(request.PoolID);
        var address = Ipv4.Parse(request.Address.Split('/')[0], "address");
        if (request.Address.Split('/')[0] == pool.Gateway) return;
        if (await state.Control.Networks.FindBySubnetAsync(pool.Subnet, ct) is { } network
            && await state.Control.Endpoints.AddressClaimAsync(network.Id, address, ct) is { HeldFor: null })
            await state.Control.Endpoints.ReleaseAddressAsync(network.Id, address, ct); // a held address stays its container's
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "address {Address} given back to Docker container {Container} on {Network} as it starts again")]
    private static partial void LogReclaimed(ILogger logger, string address, string container, string network);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Network}: {Held} addresses held for stopped containers here, {Starting} of them being started: a free address instead")]
    private static partial void LogNotReclaimed(ILogger logger, string network, int held, int starting);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Network}: dockerd is starting up and cannot say which container asks: a free address")]
    private static partial void LogDockerdBusy(ILogger logger, string network);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
