using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Cluster.Liveness;

/// <summary>
/// Removes a down node's endpoints; returns how many were removed. Pass control's own removal to also release addresses, e.g.
/// <c>async (node, ct) =&gt; (await endpointService.RemoveHostEndpointsAsync(node.Name, ct)).Count</c>.
/// </summary>
public delegate Task<int> WithdrawEndpoints(Node node, CancellationToken cancellationToken);

/// <summary>
/// Ready-made <see cref="WithdrawEndpoints"/> strategies, so membership does not need to know the endpoint key layout.
/// Each deletion is conditional on the key's ModRevision, so an endpoint re-registered meanwhile survives.
/// Addresses (IPAM claims) are deliberately kept: the node's containers still hold them and come back with it.
/// </summary>
public static class EndpointWithdrawal
{
    /// <summary>Deletes every key under the prefix <paramref name="prefixOfNode"/> names for the node.</summary>
    public static WithdrawEndpoints UnderPrefix(IClusterStore store, Func<Node, string> prefixOfNode) =>
        (node, ct) => DeleteMatchingAsync(store, prefixOfNode(node), _ => true, ct);

    /// <summary>Deletes keys under <paramref name="prefix"/> for which <paramref name="belongsTo"/>(kv, node) holds.</summary>
    public static WithdrawEndpoints Matching(IClusterStore store, string prefix, Func<KeyValue, Node, bool> belongsTo) =>
        (node, ct) => DeleteMatchingAsync(store, prefix, kv => belongsTo(kv, node), ct);

    /// <summary>
    /// The control model's layout: <c>endpoints/&lt;network&gt;/&lt;endpoint&gt;</c> whose <see cref="Endpoint.Host"/> names the node
    /// (by name, as control's EndpointService writes it, or by id). Deletes the endpoint records only.
    /// </summary>
    public static WithdrawEndpoints ByEndpointHost(IClusterStore store) =>
        Matching(store, Keys.EndpointsPrefix, (kv, node) => HostOf(kv) is { } host && (host == node.Name || host == node.Id));

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
