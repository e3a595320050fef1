using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;

namespace Weft.Control.Services;

/// <summary>
/// A network's external VTEP peers (<see cref="Network.ExternalPeers"/>): VTEPs outside the cluster that the data plane
/// floods to and learns from. Each change rewrites the network record with a compare-and-swap on its key, so concurrent
/// changes from any agent all land; the "peers" option is kept in step with the list.
/// </summary>
public sealed partial class NetworkService
{
    /// <summary>Adds <paramref name="address"/> as an external peer; a no-op returning the network when it is one already.</summary>
    public async Task<Network> AddPeerAsync(string nameOrId, string address, CancellationToken cancellationToken = default)
    {
        var peer = ExternalPeerAddress.Format(ExternalPeerAddress.Parse(address));
        var network = await InspectAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        if (network.Encrypted) throw new WeftInvalidArgumentException($"network {network.Name} is encrypted: {NetworkOptions.ExternalPeersNeedPlain}");
        await RefuseClusterHostsAsync([peer], cancellationToken).ConfigureAwait(false);
        return await UpdatePeersAsync(network, current => current.ExternalPeers.Contains(peer) ? null : [.. current.ExternalPeers, peer], cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Removes the external peer <paramref name="address"/>; <see cref="WeftNotFoundException"/> when it is not one.</summary>
    public async Task<Network> RemovePeerAsync(string nameOrId, string address, CancellationToken cancellationToken = default)
    {
        var peer = ExternalPeerAddress.Format(ExternalPeerAddress.Parse(address));
        var network = await InspectAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return await UpdatePeersAsync(network, current => current.ExternalPeers.Contains(peer)
            ? [.. current.ExternalPeers.Where(p => p != peer)]
            : throw new WeftNotFoundException($"{peer} is not a peer of network {current.Name}: " +
                (current.ExternalPeers.Count == 0 ? "it has no peers" : $"its peers are {string.Join(", ", current.ExternalPeers)}")),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewrites the network's peers to what <paramref name="change"/> makes of the stored record (null = leave it), retrying
    /// on a lost compare-and-swap with the record as it is now.
    /// </summary>
    private async Task<Network> UpdatePeersAsync(Network network, Func<Network, IReadOnlyList<string>?> change, CancellationToken cancellationToken)
    {
        var key = Keys.Network(network.Id);
        while (true)
        {
            var stored = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false)
                ?? throw new WeftNotFoundException($"network {network.Name} not found: it was removed concurrently");
            var current = ModelJson.Deserialize<Network>(stored.Value);
            if (change(current) is not { } peers)
            {
                return current;
            }

            var updated = current with { ExternalPeers = peers, Options = WithPeersOption(current.Options, peers) };
            if (await _store.CompareAndSwapAsync(key, stored.ModRevision, ModelJson.Serialize(updated), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return updated;
            }
        }
    }

    /// <summary>Refuses a peer that is a cluster host's underlay address: hosts join a network by running its containers.</summary>
    private async Task RefuseClusterHostsAsync(IReadOnlyCollection<string> peers, CancellationToken cancellationToken)
    {
        if (peers.Count == 0) return;
        foreach (var kv in await _store.ListAsync(Keys.NodesPrefix, cancellationToken).ConfigureAwait(false))
        {
            var node = ModelJson.Deserialize<Node>(kv.Value);
            if (Ipv4.TryParse(node.UnderlayAddress, out var underlay) && peers.Contains(Ipv4.Format(underlay)))
            {
                throw new WeftConflictException(
                    $"peer {Ipv4.Format(underlay)} is the underlay address of cluster host {node.Name}: Weft hosts take part in a network by running its containers; name only VTEPs outside the cluster");
            }
        }
    }

    /// <summary><paramref name="options"/> with "peers" set to <paramref name="peers"/> comma-joined, or without it when there are none.</summary>
    private static Dictionary<string, string> WithPeersOption(IReadOnlyDictionary<string, string> options, IReadOnlyList<string> peers)
    {
        var result = new Dictionary<string, string>(options);
        if (peers.Count == 0) result.Remove(NetworkOptions.PeersKey);
        else result[NetworkOptions.PeersKey] = string.Join(",", peers);
        return result;
    }
}
