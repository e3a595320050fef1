using System.Text;
using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Services;

/// <summary>
/// Networks: create, list, inspect, remove. Every uniqueness rule is a compare-and-swap in the store (name, VNI, subnet),
/// so two agents creating networks at once cannot break them; a create that fails half-way releases what it claimed.
/// External VTEP peers are kept by <see cref="AddPeerAsync"/> and <see cref="RemovePeerAsync"/> (NetworkService.Peers.cs).
/// </summary>
public sealed partial class NetworkService
{
    public const string OverlayDriver = "overlay";

    private readonly IClusterStore _store;
    private readonly ControlPlaneOptions _options;
    private readonly TimeProvider _time;
    private readonly VniAllocator _vnis;
    private readonly SubnetAllocator _subnets;

    public NetworkService(IClusterStore store, ControlPlaneOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
        _vnis = new VniAllocator(store);
        _subnets = new SubnetAllocator(store, new SubnetPlanner(Ipv4Cidr.Parse(options.DefaultPool, "pool"), options.DefaultSubnetPrefixLength));
    }

    public static IReadOnlyList<string> SupportedDrivers { get; } = [OverlayDriver];

    public async Task<Network> CreateAsync(NetworkCreateRequest request, CancellationToken cancellationToken = default)
    {
        Names.Validate(request.Name, "network");
        var driver = string.IsNullOrEmpty(request.Driver) ? OverlayDriver : request.Driver;
        if (driver != OverlayDriver)
        {
            throw new WeftInvalidArgumentException($"driver '{driver}' is not supported: supported drivers are {string.Join(", ", SupportedDrivers)}");
        }

        var options = NetworkOptions.Parse(request.Options);
        var peers = options.Peers.Select(ExternalPeerAddress.Format).ToList();
        await RefuseClusterHostsAsync(peers, cancellationToken).ConfigureAwait(false);
        var id = Ids.New();
        if (!await _store.CompareAndSwapAsync(Keys.NetworkName(request.Name), 0, Encoding.UTF8.GetBytes(id), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            throw new WeftConflictException($"network {request.Name} already exists: choose another name or remove it with 'weft network rm {request.Name}'");
        }

        int? vni = null;
        var subnetClaimed = false;
        try
        {
            vni = await _vnis.ClaimAsync(id, options.Vni, cancellationToken).ConfigureAwait(false);
            var subnet = request.SubnetReservation is { } reservation
                ? await _subnets.TransferAsync(reservation, id, request.Name, request.Gateway, request.IpRange, cancellationToken).ConfigureAwait(false)
                : await _subnets.ClaimAsync(id, request.Name, request.Subnet, request.Gateway, request.IpRange, cancellationToken).ConfigureAwait(false);
            subnetClaimed = true;
            subnet = subnet with { AuxiliaryAddresses = AuxiliaryAddresses.Validate(request.AuxAddresses, subnet, request.Name) };
            var network = new Network
            {
                Id = id,
                Name = request.Name,
                Driver = driver,
                Vni = vni.Value,
                Subnets = [subnet],
                Mtu = options.Mtu ?? (_options.DefaultMtu - (options.Encrypted ? _options.EncryptionOverhead : 0)),
                Options = WithPeersOption(request.Options, peers),
                ExternalPeers = peers,
                Encrypted = options.Encrypted,
                EncryptionRotation = options.EncryptionRotation,
                Internal = request.Internal,
                Attachable = request.Attachable,
                Labels = new Dictionary<string, string>(request.Labels),
                Created = _time.GetUtcNow(),
            };
            await _store.PutAsync(Keys.Network(id), ModelJson.Serialize(network), cancellationToken: cancellationToken).ConfigureAwait(false);
            return network;
        }
        catch
        {
            if (subnetClaimed)
            {
                await _subnets.ReleaseAsync(id, CancellationToken.None).ConfigureAwait(false);
            }

            if (vni is { } claimed)
            {
                await _vnis.ReleaseAsync(claimed, CancellationToken.None).ConfigureAwait(false);
            }

            await _store.DeleteAsync(Keys.NetworkName(request.Name), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Prefix of the ids under which <see cref="ReserveSubnetAsync"/> holds subnets for networks not made yet.</summary>
    public const string ReservationPrefix = "reserved-";

    /// <summary>
    /// Claims a subnet for a network that is not made yet (Docker asks for a network's pool before it names and creates
    /// the network): the one asked for, checked against every network's, or the next free block of the pool. Returns the
    /// reservation's id, which <see cref="NetworkCreateRequest.SubnetReservation"/> hands to the network, and the subnet.
    /// </summary>
    public async Task<(string Reservation, SubnetConfig Subnet)> ReserveSubnetAsync(string? subnet, string? ipRange, CancellationToken cancellationToken = default)
    {
        var reservation = $"{ReservationPrefix}{_time.GetUtcNow().ToUnixTimeSeconds()}-{Ids.New()[..8]}";
        var config = await _subnets.ClaimAsync(reservation, "a network Docker is creating", subnet, null, ipRange, cancellationToken).ConfigureAwait(false);
        return (reservation, config);
    }

    /// <summary>The reservation holding <paramref name="subnet"/>, or null when none (or a network) holds it.</summary>
    public async Task<string?> FindReservationAsync(string subnet, CancellationToken cancellationToken = default) =>
        (await _subnets.ListAsync(cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(c => c.Subnet == subnet && c.NetworkId.StartsWith(ReservationPrefix, StringComparison.Ordinal))?.NetworkId;

    /// <summary>Gives up a reservation that no network took over; true if it was still held.</summary>
    public async Task<bool> ReleaseReservationAsync(string reservation, CancellationToken cancellationToken = default)
    {
        if (!reservation.StartsWith(ReservationPrefix, StringComparison.Ordinal)
            || !(await _subnets.ListAsync(cancellationToken).ConfigureAwait(false)).Any(c => c.NetworkId == reservation)) return false;
        await _subnets.ReleaseAsync(reservation, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Releases reservations older than <paramref name="maxAge"/> that no network took over (their creator died between
    /// Docker's pool request and the network's creation); returns how many.
    /// </summary>
    public async Task<int> ReleaseStaleReservationsAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        var released = 0;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var claim in await _subnets.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!claim.NetworkId.StartsWith(ReservationPrefix, StringComparison.Ordinal)) continue;
            var made = claim.NetworkId[ReservationPrefix.Length..].Split('-')[0];
            if (long.TryParse(made, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && now - seconds < maxAge.TotalSeconds) continue;
            await _subnets.ReleaseAsync(claim.NetworkId, cancellationToken).ConfigureAwait(false);
            released++;
        }
        return released;
    }

    /// <summary>Checks a network's driver options and its gateway in a subnet without making anything.</summary>
    public static void Validate(IReadOnlyDictionary<string, string> options, string subnet, string? gateway)
    {
        NetworkOptions.Parse(options);
        new SubnetPlanner(Ipv4Cidr.Parse(subnet, "subnet"), Ipv4Cidr.Parse(subnet, "subnet").PrefixLength).Plan(subnet, gateway, null, []);
    }

    /// <summary>The network holding <paramref name="subnet"/> (CIDR text as stored), or null.</summary>
    public async Task<Network?> FindBySubnetAsync(string subnet, CancellationToken cancellationToken = default)
    {
        var claim = (await _subnets.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Subnet == subnet);
        return claim is null ? null : await FindAsync(claim.NetworkId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All networks, ordered by name.</summary>
    public async Task<IReadOnlyList<Network>> ListAsync(CancellationToken cancellationToken = default)
    {
        var all = await _store.ListAsync(Keys.NetworksPrefix, cancellationToken).ConfigureAwait(false);
        return [.. all.Select(kv => ModelJson.Deserialize<Network>(kv.Value)).OrderBy(n => n.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The network called <paramref name="nameOrId"/>: an exact name, a full id, or an unambiguous id prefix (as in Docker).
    /// Throws <see cref="WeftNotFoundException"/> or, for an ambiguous prefix, <see cref="WeftInvalidArgumentException"/>.
    /// </summary>
    public async Task<Network> InspectAsync(string nameOrId, CancellationToken cancellationToken = default) =>
        await FindAsync(nameOrId, cancellationToken).ConfigureAwait(false)
        ?? throw new WeftNotFoundException($"network {nameOrId} not found: list networks with 'weft network ls'");

    /// <summary>Like <see cref="InspectAsync"/> but null when nothing matches.</summary>
    public async Task<Network?> FindAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(nameOrId) || nameOrId.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var byName = await _store.GetAsync(Keys.NetworkName(nameOrId), cancellationToken).ConfigureAwait(false);
        if (byName is not null &&
            await _store.GetAsync(Keys.Network(Encoding.UTF8.GetString(byName.Value.Span)), cancellationToken).ConfigureAwait(false) is { } named)
        {
            return ModelJson.Deserialize<Network>(named.Value);
        }

        var byId = await _store.ListAsync(Keys.Network(nameOrId.ToLowerInvariant()), cancellationToken).ConfigureAwait(false);
        return byId.Count switch
        {
            0 => null,
            1 => ModelJson.Deserialize<Network>(byId[0].Value),
            _ => throw new WeftInvalidArgumentException(
                $"network id prefix '{nameOrId}' is ambiguous ({byId.Count} networks match): give more characters or the name"),
        };
    }

    /// <summary>Removes a network with no endpoints and releases its name, VNI, subnet and addresses. Returns what was removed.</summary>
    public async Task<Network> RemoveAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var network = await InspectAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var endpoints = await _store.ListAsync(Keys.Endpoints(network.Id), cancellationToken).ConfigureAwait(false);
        if (endpoints.Count > 0)
        {
            var names = endpoints.Select(kv => ModelJson.Deserialize<Endpoint>(kv.Value).ContainerName).Order(StringComparer.Ordinal).ToList();
            throw new WeftConflictException(
                $"network {network.Name} has {endpoints.Count} container{(endpoints.Count == 1 ? "" : "s")} ({string.Join(", ", names)}): " +
                $"remove them first with 'weft rm {string.Join(' ', names)}' or disconnect each with 'weft network disconnect {network.Name} CONTAINER'");
        }

        if (!await _store.DeleteAsync(Keys.Network(network.Id), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            throw new WeftNotFoundException($"network {nameOrId} not found: it was removed concurrently");
        }

        await _store.DeleteAsync(Keys.NetworkName(network.Name), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _vnis.ReleaseAsync(network.Vni, cancellationToken).ConfigureAwait(false);
        await _subnets.ReleaseAsync(network.Id, cancellationToken).ConfigureAwait(false);
        foreach (var address in await _store.ListAsync(Keys.Addresses(network.Id), cancellationToken).ConfigureAwait(false))
        {
            await _store.DeleteAsync(address.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return network;
    }
}
