using Weft.Control.Store;

namespace Weft.Control.Tests.Services;

/// <summary>
/// A real store with a hook run before each put (to fail a write, as a crash between two writes would, or to cancel the
/// caller while a write is under way) and one before each compare-and-swap (to let another writer slip in between a read
/// and its swap); every other operation goes straight to the inner store.
/// </summary>
internal sealed class InterruptingStore(IClusterStore inner) : IClusterStore
{
    /// <summary>Runs before each put with its key; throwing fails that put (nothing is written).</summary>
    public Action<string>? BeforePut { get; set; }

    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default)
    {
        BeforePut?.Invoke(key);
        return inner.PutAsync(key, value, lease, cancellationToken);
    }

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken = default) => inner.GetRevisionAsync(cancellationToken);

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<KeyValue>> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    /// <summary>Runs before each compare-and-swap with its key.</summary>
    public Func<string, Task>? BeforeCompareAndSwap { get; set; }

    public async Task<bool> CompareAndSwapAsync(string key, long expectedModRevision, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default)
    {
        if (BeforeCompareAndSwap is { } hook) await hook(key);
        return await inner.CompareAndSwapAsync(key, expectedModRevision, value, lease, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, long? expectedModRevision = null, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, expectedModRevision, cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) =>
        inner.WatchAsync(prefix, fromRevision, cancellationToken);

    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

    public Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(lease, cancellationToken);

    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(lease, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the inner store belongs to the fixture
}
