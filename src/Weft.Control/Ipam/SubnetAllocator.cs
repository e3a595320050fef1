using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Ipam;

/// <summary>
/// Claims and releases network subnets in the store. All claims live in one document (<see cref="Keys.Subnets"/>) that is
/// only ever replaced by compare-and-swap, so two managers or two concurrent creates can never end with overlapping subnets:
/// the loser re-reads, re-plans and either gets another block or a clear overlap error.
/// </summary>
public sealed class SubnetAllocator(IClusterStore store, SubnetPlanner planner)
{
    public SubnetPlanner Planner { get; } = planner;

    public async Task<SubnetConfig> ClaimAsync(string networkId, string networkName, string? subnet, string? gateway, string? ipRange, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (claims, revision) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var config = Planner.Plan(subnet, gateway, ipRange, claims.Claims);
            var updated = new SubnetClaims([.. claims.Claims, new SubnetClaim(config.Subnet, networkId, networkName)]);
            if (await store.CompareAndSwapAsync(Keys.Subnets, revision, ModelJson.Serialize(updated), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return config;
            }
        }
    }

    /// <summary>
    /// Hands the claim held under <paramref name="reservationId"/> (see <see cref="ClaimAsync"/>) to a network: the subnet
    /// stays claimed throughout. Throws when the reservation is gone.
    /// </summary>
    public async Task<SubnetConfig> TransferAsync(string reservationId, string networkId, string networkName, string? gateway, string? ipRange, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (claims, revision) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var held = claims.Claims.FirstOrDefault(c => c.NetworkId == reservationId)
                ?? throw new Errors.WeftConflictException($"the subnet reserved for network {networkName} was released meanwhile: create it again");
            var others = claims.Claims.Where(c => c.NetworkId != reservationId).ToList();
            var config = Planner.Plan(held.Subnet, gateway, ipRange, others);
            var updated = new SubnetClaims([.. others, new SubnetClaim(config.Subnet, networkId, networkName)]);
            if (await store.CompareAndSwapAsync(Keys.Subnets, revision, ModelJson.Serialize(updated), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return config;
            }
        }
    }

    public async Task ReleaseAsync(string networkId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var (claims, revision) = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!claims.Claims.Any(c => c.NetworkId == networkId))
            {
                return;
            }

            var updated = new SubnetClaims([.. claims.Claims.Where(c => c.NetworkId != networkId)]);
            if (await store.CompareAndSwapAsync(Keys.Subnets, revision, ModelJson.Serialize(updated), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    public async Task<IReadOnlyList<SubnetClaim>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).Claims.Claims;

    private async Task<(SubnetClaims Claims, long Revision)> ReadAsync(CancellationToken cancellationToken)
    {
        var kv = await store.GetAsync(Keys.Subnets, cancellationToken).ConfigureAwait(false);
        return kv is null ? (SubnetClaims.Empty, 0) : (ModelJson.Deserialize<SubnetClaims>(kv.Value), kv.ModRevision);
    }
}
