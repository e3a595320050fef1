using System.Globalization;
using System.Text;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Ipam;

/// <summary>
/// VXLAN network identifiers, one per network: the lowest free one from <see cref="AutoStart"/> up, or a pinned one.
/// Each is a create-only key <c>vni/&lt;n&gt;</c> holding the network id, so no VNI is used twice.
/// </summary>
public sealed class VniAllocator(IClusterStore store)
{
    public const int AutoStart = 4096;
    public const int Max = 16_777_215;

    public async Task<int> ClaimAsync(string networkId, int? pinned = null, CancellationToken cancellationToken = default)
    {
        var value = Encoding.UTF8.GetBytes(networkId);
        if (pinned is { } vni)
        {
            Validate(vni);
            if (await store.CompareAndSwapAsync(Keys.Vni(vni), 0, value, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return vni;
            }

            var holder = await HolderNameAsync(vni, cancellationToken).ConfigureAwait(false);
            throw new WeftConflictException($"vni {vni} is already used by network {holder}: choose another vni or omit it");
        }

        var taken = new HashSet<int>();
        foreach (var kv in await store.ListAsync(Keys.VniPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (int.TryParse(kv.Key.AsSpan(Keys.VniPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var used))
            {
                taken.Add(used);
            }
        }

        for (var candidate = AutoStart; candidate <= Max; candidate++)
        {
            if (!taken.Contains(candidate) &&
                await store.CompareAndSwapAsync(Keys.Vni(candidate), 0, value, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return candidate;
            }
        }

        throw new WeftConflictException($"no free vni left between {AutoStart} and {Max}: remove unused networks");
    }

    public Task<bool> ReleaseAsync(int vni, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(Keys.Vni(vni), cancellationToken: cancellationToken);

    /// <summary>Throws <see cref="WeftInvalidArgumentException"/> unless 1 &lt;= <paramref name="vni"/> &lt;= 16777215.</summary>
    public static void Validate(long vni)
    {
        if (vni is < 1 or > Max)
        {
            throw new WeftInvalidArgumentException($"vni {vni} is out of range: use 1..{Max}");
        }
    }

    private async Task<string> HolderNameAsync(int vni, CancellationToken cancellationToken)
    {
        var claim = await store.GetAsync(Keys.Vni(vni), cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            return "(just removed)";
        }

        var networkId = Encoding.UTF8.GetString(claim.Value.Span);
        var network = await store.GetAsync(Keys.Network(networkId), cancellationToken).ConfigureAwait(false);
        return network is null ? Ids.Short(networkId) : ModelJson.Deserialize<Network>(network.Value).Name;
    }
}
