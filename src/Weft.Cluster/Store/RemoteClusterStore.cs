using System.Runtime.CompilerServices;
using Weft.Cluster.Channel;
using Weft.Control.Store;

namespace Weft.Cluster.Store;

/// <summary>
/// <see cref="IClusterStore"/> on a worker: every operation is a call to the manager's <see cref="StoreService"/> over the
/// mutual-TLS channel. Exceptions of the manager's store come back as the same types (ArgumentException,
/// InvalidOperationException, KeyNotFoundException); channel failures are <see cref="ClusterException"/>s. A watch ends with a
/// ClusterException if the connection breaks; the caller re-watches from its last revision + 1, as with etcd.
/// </summary>
public sealed class RemoteClusterStore(ClusterClient client, bool ownsClient = true) : IClusterStore
{
    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken = default) =>
        (await client.CallAsync<EmptyRequest, RevisionResponse>(StoreMethods.Revision, new(), cancellationToken).ConfigureAwait(false)).Revision;

    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await client.CallAsync<KeyRequest, GetResponse>(StoreMethods.Get, new(key), cancellationToken).ConfigureAwait(false)).Kv?.ToKeyValue();

    public async Task<IReadOnlyList<KeyValue>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        (await client.CallAsync<PrefixRequest, ListResponse>(StoreMethods.List, new(prefix), cancellationToken).ConfigureAwait(false))
            .Kvs.Select(kv => kv.ToKeyValue()).ToList();

    public async Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default) =>
        (await client.CallAsync<PutRequest, RevisionResponse>(StoreMethods.Put, new(key, value.ToArray(), lease), cancellationToken)
            .ConfigureAwait(false)).Revision;

    public async Task<bool> CompareAndSwapAsync(string key, long expectedModRevision, ReadOnlyMemory<byte> value, long lease = 0,
        CancellationToken cancellationToken = default) =>
        (await client.CallAsync<CasRequest, BoolResponse>(StoreMethods.CompareAndSwap,
            new(key, expectedModRevision, value.ToArray(), lease), cancellationToken).ConfigureAwait(false)).Value;

    public async Task<bool> DeleteAsync(string key, long? expectedModRevision = null, CancellationToken cancellationToken = default) =>
        (await client.CallAsync<DeleteRequest, BoolResponse>(StoreMethods.Delete, new(key, expectedModRevision), cancellationToken)
            .ConfigureAwait(false)).Value;

    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in client.StreamAsync<WatchRequest, WatchEventDto>(StoreMethods.Watch, new(prefix, fromRevision), cancellationToken)
            .ConfigureAwait(false))
            yield return e.ToWatchEvent();
    }

    public async Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) =>
        (await client.CallAsync<GrantRequest, LeaseResponse>(StoreMethods.GrantLease, new((long)ttl.TotalMilliseconds), cancellationToken)
            .ConfigureAwait(false)).Lease;

    public async Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken = default) =>
        (await client.CallAsync<LeaseRequest, BoolResponse>(StoreMethods.KeepAlive, new(lease), cancellationToken).ConfigureAwait(false)).Value;

    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default) =>
        client.CallAsync<LeaseRequest, EmptyRequest>(StoreMethods.RevokeLease, new(lease), cancellationToken);

    public ValueTask DisposeAsync() => ownsClient ? client.DisposeAsync() : ValueTask.CompletedTask;
}
