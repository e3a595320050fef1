using Microsoft.Data.Sqlite;

namespace Weft.Control.Store;

/// <summary>Small SQL helpers and the write transaction that assigns revisions and queues watch events.</summary>
public sealed partial class SqliteClusterStore
{
    private SqliteCommand Command(SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        var command = _db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private int Execute(SqliteTransaction? tx, string sql, params (string Name, object Value)[] args)
    {
        using var command = Command(tx, sql, args);
        return command.ExecuteNonQuery();
    }

    private long ReadCounter(SqliteTransaction? tx, string name)
    {
        using var command = Command(tx, "SELECT value FROM meta WHERE name = $n", ("$n", name));
        return (long)command.ExecuteScalar()!;
    }

    private const string KvColumns = "key, value, create_rev, mod_rev, version, lease";

    private static KeyValue ReadKv(SqliteDataReader r) =>
        new(r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));

    private KeyValue? ReadKey(SqliteTransaction? tx, string key)
    {
        using var command = Command(tx, $"SELECT {KvColumns} FROM kv WHERE key = $k", ("$k", key));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadKv(reader) : null;
    }

    /// <summary>
    /// One write transaction. <see cref="Put"/> and <see cref="Delete"/> each take the next revision and record the change in
    /// the history; <see cref="Commit"/> makes them durable and only then hands the events to watchers. Disposing without
    /// committing rolls everything back, revision counter included.
    /// </summary>
    private sealed class WriteScope : IDisposable
    {
        private readonly SqliteClusterStore _store;
        private readonly long _startRevision;
        private readonly long _startCompacted;
        private readonly List<WatchEvent> _events = [];
        private bool _committed;
        private bool _replacesSecret;

        public WriteScope(SqliteClusterStore store)
        {
            _store = store;
            _startRevision = store._revision;
            _startCompacted = store._compacted;
            Tx = store._db.BeginTransaction();
        }

        public SqliteTransaction Tx { get; }

        public long Put(string key, ReadOnlyMemory<byte> value, long lease, KeyValue? existing)
        {
            var revision = ++_store._revision;
            var kv = new KeyValue(key, value.ToArray(), existing?.CreateRevision ?? revision, revision, (existing?.Version ?? 0) + 1, lease);
            _store.Execute(Tx, """
                INSERT INTO kv(key, value, create_rev, mod_rev, version, lease) VALUES ($k, $v, $c, $m, $ver, $l)
                ON CONFLICT(key) DO UPDATE SET value = $v, mod_rev = $m, version = $ver, lease = $l
                """,
                ("$k", key), ("$v", kv.Value.ToArray()), ("$c", kv.CreateRevision), ("$m", revision), ("$ver", kv.Version), ("$l", lease));
            _replacesSecret |= existing is not null && IsSecret(key);
            Record(WatchEventType.Put, kv);
            return revision;
        }

        public long Delete(KeyValue existing)
        {
            var revision = ++_store._revision;
            _store.Execute(Tx, "DELETE FROM kv WHERE key = $k", ("$k", existing.Key));
            _replacesSecret |= IsSecret(existing.Key);
            Record(WatchEventType.Delete, new KeyValue(existing.Key, Array.Empty<byte>(), existing.CreateRevision, revision, existing.Version, existing.Lease));
            return revision;
        }

        /// <summary>A secret's value is left out of the history row and the event: watchers of secrets/ must Get the key.</summary>
        private void Record(WatchEventType type, KeyValue kv)
        {
            if (IsSecret(kv.Key))
            {
                kv = kv with { Value = Array.Empty<byte>() };
            }

            _store.Execute(Tx, """
                INSERT INTO changes(revision, type, key, value, create_rev, version, lease) VALUES ($r, $t, $k, $v, $c, $ver, $l)
                """,
                ("$r", kv.ModRevision), ("$t", (int)type), ("$k", kv.Key), ("$v", kv.Value.ToArray()),
                ("$c", kv.CreateRevision), ("$ver", kv.Version), ("$l", kv.Lease));
            _events.Add(new WatchEvent(type, kv));
        }

        public void Commit()
        {
            if (_events.Count > 0)
            {
                _store.Execute(Tx, "UPDATE meta SET value = $v WHERE name = $n", ("$v", _store._revision), ("$n", RevisionCounter));
                _store.CompactIfDue(Tx);
            }

            Tx.Commit();
            _committed = true;
            _store.Publish(_events);
            _store._secretPagesInWal |= _replacesSecret;
            _store.EraseSecretPagesFromWal();
        }

        public void Dispose()
        {
            if (!_committed)
            {
                _store._revision = _startRevision;
                _store._compacted = _startCompacted;
            }

            Tx.Dispose();
        }
    }
}
