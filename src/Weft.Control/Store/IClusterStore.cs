namespace Weft.Control.Store;

/// <summary>
/// The cluster store contract, shaped like etcd's KV/Watch/Lease API so that the embedded
/// SQLite store (on the manager) and an etcd-backed store implement it without changing callers.
/// Keys are '/'-separated strings (e.g. "networks/&lt;id&gt;"); values are opaque bytes (JSON in practice).
/// Every change bumps one store-wide revision, as in etcd.
/// </summary>
public interface IClusterStore : IAsyncDisposable
{
    /// <summary>The newest revision the store has applied.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken = default);

    Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>All keys starting with <paramref name="prefix"/>, ordered by key.</summary>
    Task<IReadOnlyList<KeyValue>> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Creates or overwrites <paramref name="key"/>; returns the new revision. <paramref name="lease"/> 0 = no lease.</summary>
    Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="key"/> only if its current ModRevision equals <paramref name="expectedModRevision"/>
    /// (0 means: only if the key does not exist). Returns false, writing nothing, when another writer got there first.
    /// </summary>
    Task<bool> CompareAndSwapAsync(string key, long expectedModRevision, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="key"/>; if <paramref name="expectedModRevision"/> is given, only when it still matches. True if a key was deleted.</summary>
    Task<bool> DeleteAsync(string key, long? expectedModRevision = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events for keys under <paramref name="prefix"/> with revision &gt;= <paramref name="fromRevision"/> (history first,
    /// then live), in revision order, until cancelled. Lease expiry shows up as Delete events.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default);

    /// <summary>Grants a lease that expires after <paramref name="ttl"/> unless kept alive; keys attached to it are deleted on expiry.</summary>
    Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Renews a lease for another TTL. False if it has already expired or never existed.</summary>
    Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken = default);

    /// <summary>Revokes a lease now, deleting its keys.</summary>
    Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default);
}

/// <summary>A stored key with etcd-style revisions.</summary>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value, long CreateRevision, long ModRevision, long Version, long Lease);

public enum WatchEventType
{
    Put,
    Delete,
}

/// <summary>One change. For a Delete, <see cref="Kv"/> carries the key, the deletion's revision as ModRevision and an empty value.</summary>
public sealed record WatchEvent(WatchEventType Type, KeyValue Kv);
