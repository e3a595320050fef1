using System.Text;
using Weft.Control.Store;

namespace Weft.Agent.Docker;

/// <summary>
/// Which Weft network each Docker network of this host's dockerd stands for. Every dockerd gives a network its own
/// id, so the map is per node: <c>dockernets/&lt;node&gt;/&lt;docker network id&gt;</c> = the Weft network id. It lives in
/// the cluster store so that a restarted weftd finds it, and a Weft network removed behind Docker's back shows up as a
/// Docker network mapped to nothing.
/// </summary>
internal sealed class DockerNetworkMap(Func<IClusterStore> store, string node)
{
    public const string Prefix = "dockernets/";

    private string NodePrefix => $"{Prefix}{node}/";

    public async Task<string?> GetAsync(string dockerNetworkId, CancellationToken ct) =>
        await store().GetAsync(NodePrefix + dockerNetworkId, ct) is { } kv ? Encoding.UTF8.GetString(kv.Value.Span) : null;

    public Task PutAsync(string dockerNetworkId, string weftNetworkId, CancellationToken ct) =>
        store().PutAsync(NodePrefix + dockerNetworkId, Encoding.UTF8.GetBytes(weftNetworkId), cancellationToken: ct);

    public Task<bool> RemoveAsync(string dockerNetworkId, CancellationToken ct) =>
        store().DeleteAsync(NodePrefix + dockerNetworkId, cancellationToken: ct);

    /// <summary>Docker network id → Weft network id, for this node.</summary>
    public async Task<Dictionary<string, string>> ListAsync(CancellationToken ct) =>
        (await store().ListAsync(NodePrefix, ct)).ToDictionary(kv => kv.Key[NodePrefix.Length..], kv => Encoding.UTF8.GetString(kv.Value.Span), StringComparer.Ordinal);
}
