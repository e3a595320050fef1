using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Weft.Control.Store;

/// <summary>
/// Watches: history from the <c>changes</c> table, then live events. The watcher is registered under the same lock that
/// reads the history, and writers publish under that lock after commit, so no event is lost or seen twice at the seam.
/// </summary>
public sealed partial class SqliteClusterStore
{
    private readonly List<Watcher> _watchers = [];

    private sealed record Watcher(string Prefix, Channel<WatchEvent> Events);

    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var watcher = new Watcher(prefix, Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true }));
        List<WatchEvent> history;
        lock (_gate)
        {
            ThrowIfDisposed();
            ReapExpiredLeases();
            if (fromRevision > 0 && fromRevision <= _compacted)
            {
                throw new StoreCompactedException(fromRevision, _compacted, _revision);
            }

            history = ReadHistory(prefix, fromRevision);
            _watchers.Add(watcher);
        }

        try
        {
            foreach (var change in history)
            {
                yield return change;
            }

            await foreach (var change in watcher.Events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    private List<WatchEvent> ReadHistory(string prefix, long fromRevision)
    {
        using var command = Command(null, """
            SELECT type, key, value, create_rev, revision, version, lease FROM changes
            WHERE revision >= $from AND substr(key, 1, length($p)) = $p ORDER BY revision
            """, ("$from", fromRevision), ("$p", prefix));
        using var reader = command.ExecuteReader();
        var result = new List<WatchEvent>();
        while (reader.Read())
        {
            var kv = new KeyValue(reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            result.Add(new WatchEvent((WatchEventType)reader.GetInt32(0), kv));
        }

        return result;
    }

    /// <summary>
    /// Drops the oldest history once more than twice the retention has piled up, keeping the newest
    /// <see cref="_historyRetention"/> revisions (amortised: one bulk delete per retention's worth of writes).
    /// </summary>
    private void CompactIfDue(Microsoft.Data.Sqlite.SqliteTransaction tx)
    {
        if (_revision - _compacted <= 2 * _historyRetention)
        {
            return;
        }

        var upTo = _revision - _historyRetention;
        Execute(tx, "DELETE FROM changes WHERE revision <= $r", ("$r", upTo));
        Execute(tx, "UPDATE meta SET value = $v WHERE name = $n", ("$v", upTo), ("$n", CompactedCounter));
        _compacted = upTo;
    }

    /// <summary>Hands committed events to matching watchers. Caller holds the gate.</summary>
    private void Publish(List<WatchEvent> events)
    {
        foreach (var change in events)
        {
            foreach (var watcher in _watchers)
            {
                if (change.Kv.Key.StartsWith(watcher.Prefix, StringComparison.Ordinal))
                {
                    watcher.Events.Writer.TryWrite(change);
                }
            }
        }
    }
}
