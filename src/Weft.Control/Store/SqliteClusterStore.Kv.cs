namespace Weft.Control.Store;

/// <summary>Get, list, put, compare-and-swap and delete.</summary>
public sealed partial class SqliteClusterStore
{
    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            return Task.FromResult(ReadKey(null, key));
        }
    }

    public Task<IReadOnlyList<KeyValue>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            using var command = Command(null,
                $"SELECT {KvColumns} FROM kv WHERE key >= $p AND substr(key, 1, length($p)) = $p ORDER BY key", ("$p", prefix));
            using var reader = command.ExecuteReader();
            var result = new List<KeyValue>();
            while (reader.Read())
            {
                result.Add(ReadKv(reader));
            }

            return Task.FromResult<IReadOnlyList<KeyValue>>(result);
        }
    }

    public Task<long> PutAsync(string key, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            using var scope = new WriteScope(this);
            RequireLease(scope, lease);
            var revision = scope.Put(key, value, lease, ReadKey(scope.Tx, key));
            scope.Commit();
            return Task.FromResult(revision);
        }
    }

    public Task<bool> CompareAndSwapAsync(string key, long expectedModRevision, ReadOnlyMemory<byte> value, long lease = 0, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            using var scope = new WriteScope(this);
            var existing = ReadKey(scope.Tx, key);
            if ((existing?.ModRevision ?? 0) != expectedModRevision)
            {
                return Task.FromResult(false);
            }

            RequireLease(scope, lease);
            scope.Put(key, value, lease, existing);
            scope.Commit();
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(string key, long? expectedModRevision = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            using var scope = new WriteScope(this);
            var existing = ReadKey(scope.Tx, key);
            if (existing is null || (expectedModRevision is { } expected && existing.ModRevision != expected))
            {
                return Task.FromResult(false);
            }

            scope.Delete(existing);
            scope.Commit();
            return Task.FromResult(true);
        }
    }
}
