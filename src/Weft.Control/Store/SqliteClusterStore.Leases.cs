namespace Weft.Control.Store;

/// <summary>Leases: grant, keep-alive, revoke, and reaping of expired ones (the clock is the injected TimeProvider).</summary>
public sealed partial class SqliteClusterStore
{
    public Task<long> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (ttl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "a lease TTL must be positive");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            using var tx = _db.BeginTransaction();
            var id = ReadCounter(tx, LeaseCounter) + 1;
            Execute(tx, "UPDATE meta SET value = $v WHERE name = $n", ("$v", id), ("$n", LeaseCounter));
            var ttlMs = (long)Math.Ceiling(ttl.TotalMilliseconds);
            Execute(tx, "INSERT INTO leases(id, ttl_ms, expires_ms) VALUES ($id, $ttl, $exp)",
                ("$id", id), ("$ttl", ttlMs), ("$exp", NowMs() + ttlMs));
            tx.Commit();
            return Task.FromResult(id);
        }
    }

    public Task<bool> KeepAliveAsync(long lease, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            var renewed = Execute(null, "UPDATE leases SET expires_ms = $now + ttl_ms WHERE id = $id", ("$now", NowMs()), ("$id", lease));
            return Task.FromResult(renewed == 1);
        }
    }

    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            using var scope = new WriteScope(this);
            if (!LeaseExists(scope, lease))
            {
                throw LeaseNotFound(lease);
            }

            DropLease(scope, lease);
            scope.Commit();
            return Task.CompletedTask;
        }
    }

    private void RequireLease(WriteScope scope, long lease)
    {
        if (lease != 0 && !LeaseExists(scope, lease))
        {
            throw LeaseNotFound(lease);
        }
    }

    private bool LeaseExists(WriteScope scope, long lease)
    {
        using var command = Command(scope.Tx, "SELECT 1 FROM leases WHERE id = $id", ("$id", lease));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>Deletes the lease and every key attached to it (one revision and Delete event per key). Caller holds the gate.</summary>
    private void DropLease(WriteScope scope, long lease)
    {
        var keys = new List<KeyValue>();
        using (var command = Command(scope.Tx, $"SELECT {KvColumns} FROM kv WHERE lease = $l ORDER BY key", ("$l", lease)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                keys.Add(ReadKv(reader));
            }
        }

        foreach (var kv in keys)
        {
            scope.Delete(kv);
        }

        Execute(scope.Tx, "DELETE FROM leases WHERE id = $id", ("$id", lease));
    }

    /// <summary>Drops every lease whose expiry has passed. Caller holds the gate.</summary>
    private void ReapExpiredLeases()
    {
        var due = new List<long>();
        using (var command = Command(null, "SELECT id FROM leases WHERE expires_ms <= $now ORDER BY id", ("$now", NowMs())))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                due.Add(reader.GetInt64(0));
            }
        }

        if (due.Count == 0)
        {
            return;
        }

        using var scope = new WriteScope(this);
        foreach (var lease in due)
        {
            DropLease(scope, lease);
        }

        scope.Commit();
    }

    private void ReapExpiredLeasesInBackground()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                ReapExpiredLeases();
            }
        }
    }

    /// <summary>After a restart every surviving lease gets its full TTL again, as etcd does when a new leader takes over.</summary>
    private void RenewLeasesAfterOpen() =>
        Execute(null, "UPDATE leases SET expires_ms = $now + ttl_ms", ("$now", NowMs()));
}
