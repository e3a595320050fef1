// Design note — network keys over the channel.
// Keys leave the manager only here, only over the mutual-TLS channel, and only to a host that takes part in the network:
// the caller's node name comes from its certificate (the DNS name the cluster CA put in it at join), never from the
// request, and must be the Host of one of the network's endpoints. Everything else about keys (epochs, schedule) is in
// the store's keymeta/, which every node may read.
using System.Security.Cryptography.X509Certificates;
using Weft.Cluster.Channel;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Cluster.KeyDistribution;

/// <summary>Serves <see cref="KeyMethods"/> from the manager's <see cref="NetworkKeyService"/>.</summary>
public sealed class KeyService(NetworkKeyService keys, IClusterStore store)
{
    public void MapTo(RpcRouter router)
    {
        router.MapUnary<NetworkKeyRequest, NetworkKeys>(KeyMethods.Get, (context, r, ct) =>
            keys.GetForMemberAsync(r.NetworkId, CallerName(context, "get keys"), ct));
        router.MapUnary<NetworkKeyRequest, NetworkKeys>(KeyMethods.GetFresh, (context, r, ct) =>
            keys.GetFreshForMemberAsync(r.NetworkId, CallerName(context, "get fresh keys"), ct));
        router.MapUnary<NetworkKeyRequest, NetworkKeyMeta>(KeyMethods.Rotate, async (context, r, ct) =>
        {
            CallerName(context, "rotate keys");
            var network = await store.GetAsync(Weft.Control.Model.Keys.Network(r.NetworkId), ct).ConfigureAwait(false) is { } kv
                ? ModelJson.Deserialize<Network>(kv.Value)
                : throw new WeftNotFoundException($"rotate keys of network {r.NetworkId}: no such network");
            return await keys.RotateAsync(network, ct).ConfigureAwait(false);
        });
    }

    /// <summary>The node name the cluster CA certified for the caller (its certificate's DNS name).</summary>
    public static string CallerName(CallContext context, string operation)
    {
        var name = context.PeerCertificate?.GetNameInfo(X509NameType.DnsName, forIssuer: false);
        return string.IsNullOrEmpty(name) || !context.IsAuthenticatedNode
            ? throw new UnauthorizedAccessException($"{operation} refused: the caller has no node certificate")
            : name;
    }
}
