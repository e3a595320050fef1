using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Cluster.Liveness;

/// <summary>Removes a down node's endpoints from the store; returns how many keys were deleted.</summary>
public delegate Task<int> WithdrawEndpoints(string nodeId, CancellationToken cancellationToken);

/// <summary>
/// Ready-made <see cref="WithdrawEndpoints"/> strategies, so membership does not need to know the endpoint key layout.
/// Each deletion is conditional on the key's ModRevision, so an endpoint re-registered meanwhile survives.
/// Addresses (IPAM claims) are deliberately kept: the node's containers still hold them and come back with it.
/// </summary>
public static class EndpointWithdrawal
{
    /// <summary>Deletes every key under the prefix <paramref name="prefixOfNode"/> names for the node.</summary>
    public static WithdrawEndpoints UnderPrefix(IClusterStore store, Func<string, string> prefixOfNode) =>
        (nodeId, ct) => DeleteMatchingAsync(store, prefixOfNode(nodeId), _ => true, ct);

    /// <summary>Deletes keys under <paramref name="prefix"/> for which <paramref name="belongsTo"/>(kv, nodeId) holds.</summary>
    public static WithdrawEndpoints Matching(IClusterStore store, string prefix, Func<KeyValue, string, bool> belongsTo) =>
        (nodeId, ct) => DeleteMatchingAsync(store, prefix, kv => belongsTo(kv, nodeId), ct);

    /// <summary>The control model's layout: <c>endpoints/&lt;network&gt;/&lt;endpoint&gt;</c> whose <see cref="Endpoint.Host"/> is the node.</summary>
    public static WithdrawEndpoints ByEndpointHost(IClusterStore store) =>
        Matching(store, Keys.EndpointsPrefix, (kv, nodeId) => HostOf(kv) == nodeId);

    private static string? HostOf(KeyValue kv)
    {
        try
        {
            return ModelJson.Deserialize<Endpoint>(kv.Value).Host;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<int> DeleteMatchingAsync(IClusterStore store, string prefix, Func<KeyValue, bool> match, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var kv in await store.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            if (match(kv) && await store.DeleteAsync(kv.Key, kv.ModRevision, ct).ConfigureAwait(false))
                deleted++;
        }
        return deleted;
    }
}
