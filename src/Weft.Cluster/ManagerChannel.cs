using Microsoft.Extensions.Logging;
using Weft.Cluster.Channel;
using Weft.Cluster.Join;
using Weft.Cluster.Store;
using Weft.Control.Store;

namespace Weft.Cluster;

/// <summary>Wires the manager's side of the cluster channel: join + certificate renewal + the store, on one listener.</summary>
public static class ManagerChannel
{
    /// <summary>
    /// Starts listening on <paramref name="options"/> (default: the manager's underlay address, port 7946) and serves joins
    /// with the manager's token and <paramref name="store"/> to authenticated nodes. Dispose the server to stop.
    /// </summary>
    public static ClusterServer Start(ManagerCredentials credentials, IClusterStore store, ChannelOptions? options = null,
        ILogger? logger = null, TimeProvider? time = null, Func<JoinedNode, CancellationToken, Task>? joined = null,
        Action<RpcRouter>? mapMore = null, TimeSpan? nodeCertificateValidity = null)
    {
        var router = new RpcRouter();
        new JoinService(credentials.Ca, credentials.Token, time, nodeCertificateValidity, joined).MapTo(router);
        new StoreService(store).MapTo(router);
        mapMore?.Invoke(router);
        var server = new ClusterServer(credentials.Identity, options ?? ChannelOptions.ForNode(credentials.Identity), router, logger, time);
        server.Start();
        return server;
    }
}
