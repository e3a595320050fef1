// Design note — network keys over the channel.
// Keys leave the manager only here, only over the mutual-TLS channel, and only to a host that takes part in the network:
// the caller's node name comes from its certificate (the DNS name the cluster CA put in it at join), never from the
// request, and must be the Host of one of the network's endpoints — also to rotate the network's key. Everything else
// about keys (epochs, schedule) is in the store's keymeta/, which every node may read and only the manager writes.
using Weft.Cluster.Channel;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Cluster.KeyDistribution;

/// <summary>Serves <see cref="KeyMethods"/> from the manager's <see cref="NetworkKeyService"/>.</summary>
public sealed class KeyService(NetworkKeyService keys)
{
    public void MapTo(RpcRouter router)
    {
        router.MapUnary<NetworkKeyRequest, NetworkKeys>(KeyMethods.Get, (context, r, ct) =>
            keys.GetForMemberAsync(r.NetworkId, context.RequireNodeName("get keys"), ct));
        router.MapUnary<NetworkKeyRequest, NetworkKeys>(KeyMethods.GetFresh, (context, r, ct) =>
            keys.GetFreshForMemberAsync(r.NetworkId, context.RequireNodeName("get fresh keys"), ct));
        router.MapUnary<NetworkKeyRequest, NetworkKeyMeta>(KeyMethods.Rotate, (context, r, ct) =>
            keys.RotateForMemberAsync(r.NetworkId, context.RequireNodeName("rotate keys"), ct));
    }
}
