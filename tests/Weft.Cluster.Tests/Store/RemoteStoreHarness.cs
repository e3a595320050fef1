using System.Net;
using Weft.Cluster.Channel;
using Weft.Cluster.Pki;
using Weft.Cluster.Store;
using Weft.Control.Store;

namespace Weft.Cluster.Tests.Store;

/// <summary>
/// A <see cref="RemoteClusterStore"/> talking over mutual TLS on 127.0.0.1 to a <see cref="StoreService"/> in front of a real
/// <see cref="SqliteClusterStore"/>; disposing it stops the client, the server and the SQLite store (a manager restart).
/// </summary>
internal sealed class RemoteStoreHarness : IClusterStore
{
    private readonly IClusterStore _backing;
    private readonly ClusterServer _server;
    private readonly RemoteClusterStore _remote;

    public RemoteStoreHarness(IClusterStore backing, NodeIdentity manager, NodeIdentity worker)
    {
        _backing = backing;
        var router = new RpcRouter();
        new StoreService(backing).MapTo(router);
        _server = new ClusterServer(manager, new ChannelOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, router);
        _server.Start();
        _remote = new RemoteClusterStore(new ClusterClient(worker, _server.LocalEndpoint));
    }

    public IClusterStore Backing => _backing;

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken = default) => _remote.GetRevisionAsync(cancellationToken);

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => _remote.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<KeyValue>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        _remote.ListAsync(prefix, cancellationToken);

    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default) =>
        _remote.PutAsync(key, value, lease, cancellationToken);

    public Task<bool> CompareAndSwapAsync(string key, long expectedModRevision, ReadOnlyMemory<byte> value, long lease = 0,
        CancellationToken cancellationToken = default) =>
        _remote.CompareAndSwapAsync(key, expectedModRevision, value, lease, cancellationToken);

    public Task<bool> DeleteAsync(string key, long? expectedModRevision = null, CancellationToken cancellationToken = default) =>
        _remote.DeleteAsync(key, expectedModRevision, cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) =>
        _remote.WatchAsync(prefix, fromRevision, cancellationToken);

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => _remote.GrantLeaseAsync(ttl, cancellationToken);

    public Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken = default) => _remote.KeepAliveAsync(lease, cancellationToken);

    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default) => _remote.RevokeLeaseAsync(lease, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _remote.DisposeAsync();
        await _server.DisposeAsync();
        await _backing.DisposeAsync();
    }
}
