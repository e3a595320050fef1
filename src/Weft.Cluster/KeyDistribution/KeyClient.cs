using Weft.Cluster.Channel;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Cluster.KeyDistribution;

/// <summary>A worker's side of <see cref="KeyMethods"/>: asks the manager for a network's keys or a rotation.</summary>
public sealed class KeyClient(ClusterClient client)
{
    /// <summary>The epochs and keys of <paramref name="networkId"/>; <see cref="UnauthorizedAccessException"/> when this host is not a member.</summary>
    public Task<NetworkKeys> GetAsync(string networkId, CancellationToken cancellationToken = default) =>
        client.CallAsync<NetworkKeyRequest, NetworkKeys>(KeyMethods.Get, new(networkId), cancellationToken);

    /// <summary>Like <see cref="GetAsync"/>, with a fresh epoch for a new key ring (<see cref="NetworkKeys.FreshEpoch"/>).</summary>
    public Task<NetworkKeys> GetFreshAsync(string networkId, CancellationToken cancellationToken = default) =>
        client.CallAsync<NetworkKeyRequest, NetworkKeys>(KeyMethods.GetFresh, new(networkId), cancellationToken);

    public Task<NetworkKeyMeta> RotateAsync(string networkId, CancellationToken cancellationToken = default) =>
        client.CallAsync<NetworkKeyRequest, NetworkKeyMeta>(KeyMethods.Rotate, new(networkId), cancellationToken);
}
