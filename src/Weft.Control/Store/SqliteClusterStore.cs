using Microsoft.Data.Sqlite;
using Weft.Control.Errors;

namespace Weft.Control.Store;

/// <summary>
/// The embedded cluster store: <see cref="IClusterStore"/> on one SQLite file (Microsoft.Data.Sqlite), run by the manager agent.
/// <para>
/// Design note. One connection, one in-process lock: every operation runs synchronously under <see cref="_gate"/> inside a
/// SQLite transaction, so concurrent callers are serialised exactly like etcd's single raft log and revisions are strictly
/// monotonic. WAL journal with synchronous=FULL, so a committed write survives a crash. Tables: <c>kv</c> (current keys with
/// etcd revisions), <c>changes</c> (one row per revision: the watch history, which is what lets a watcher resume from a
/// revision after a restart; compacted once it holds twice the retention), <c>leases</c> (TTL and absolute expiry) and <c>meta</c> (revision and
/// lease-id counters). Lease expiry is driven by <see cref="TimeProvider"/>: a timer reaps due leases periodically and every
/// operation reaps first, so with a fake clock expiry is deterministic. Reaping deletes the lease's keys, one revision and one
/// Delete watch event per key. On open, surviving leases get a fresh TTL (as etcd does on leader change), so a manager restart
/// does not drop every node at once. The file must be owned by one store instance at a time.
/// </para>
/// <para>
/// Secrets. Keys under <see cref="Model.Keys.SecretsPrefix"/> (network keys) are recorded in the history and handed to
/// watchers WITHOUT their value (an empty one): secrets must be read with Get/List, never from watch events. With
/// secure_delete=ON, SQLite zeroes the bytes of deleted rows, and after a secret is overwritten or deleted a TRUNCATE
/// checkpoint empties the WAL, so a retired key's bytes do not stay in any of the store's files. Opening a store written
/// by an older version blanks secret values found in its history.
/// </para>
/// </summary>
public sealed partial class SqliteClusterStore : IClusterStore
{
    private const string RevisionCounter = "revision";
    private const string LeaseCounter = "lease";
    private const string CompactedCounter = "compacted";

    private readonly Lock _gate = new();
    private readonly SqliteConnection _db;
    private readonly TimeProvider _time;
    private readonly ITimer _leaseTimer;
    private readonly long _historyRetention;
    private long _revision;
    private long _compacted;
    private bool _disposed;

    /// <param name="path">The database file; created with its schema when missing.</param>
    /// <param name="timeProvider">Clock for lease TTLs; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="leaseCheckInterval">How often expired leases are reaped in the background (default 500 ms).</param>
    /// <param name="historyRetention">How many revisions of watch history are kept at least (default 100 000).</param>
    public SqliteClusterStore(string path, TimeProvider? timeProvider = null, TimeSpan? leaseCheckInterval = null, long historyRetention = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyRetention, 1);
        _historyRetention = historyRetention;
        _time = timeProvider ?? TimeProvider.System;
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();
        _db = new SqliteConnection(connectionString);
        try
        {
            _db.Open();
            Execute(null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA secure_delete=ON;");
            CreateSchema();
            BlankSecretHistory();
            _revision = ReadCounter(null, RevisionCounter);
            _compacted = ReadCounter(null, CompactedCounter);
            RenewLeasesAfterOpen();
        }
        catch (SqliteException e)
        {
            _db.Dispose();
            throw new IOException($"opening cluster store {path} failed: {e.Message} (SQLite error {e.SqliteErrorCode})", e);
        }

        var interval = leaseCheckInterval ?? TimeSpan.FromMilliseconds(500);
        _leaseTimer = _time.CreateTimer(_ => ReapExpiredLeasesInBackground(), null, interval, interval);
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            _leaseTimer.Dispose();
            foreach (var watcher in _watchers)
            {
                watcher.Events.Writer.TryComplete();
            }

            _watchers.Clear();
            try
            {
                EraseSecretPagesFromWal();
            }
            finally
            {
                _db.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    public Task<long> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            return Task.FromResult(_revision);
        }
    }

    private void CreateSchema() => Execute(null, """
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS kv(
            key TEXT PRIMARY KEY, value BLOB NOT NULL,
            create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS kv_by_lease ON kv(lease) WHERE lease <> 0;
        CREATE TABLE IF NOT EXISTS changes(
            revision INTEGER PRIMARY KEY, type INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
            create_rev INTEGER NOT NULL, version INTEGER NOT NULL, lease INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS leases(id INTEGER PRIMARY KEY, ttl_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
        INSERT OR IGNORE INTO meta(name, value) VALUES ('revision', 0), ('lease', 0), ('compacted', 0);
        """);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static WeftNotFoundException LeaseNotFound(long lease) =>
        new($"lease {lease} not found: it expired or was revoked; grant a new lease");
}
