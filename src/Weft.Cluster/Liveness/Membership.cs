// Design note — membership and liveness.
// Nodes heartbeat by rewriting their nodes/<id> record every second (NodeHeartbeat). The manager (this class) checks once
// a second: a record whose ModRevision moved was heard from now, by the manager's own clock, so clocks on other hosts do
// not matter. Silent for DownAfter (5 s) -> the record is rewritten with state "down" by compare-and-swap (a heartbeat that
// races it wins). Down for WithdrawGrace (15 s) -> the node's endpoints are withdrawn through a WithdrawEndpoints delegate,
// which keeps this class independent of the endpoint key layout. A heartbeat after that makes the node ready again; its
// agent re-announces its endpoints. Everything runs on a TimeProvider, so tests drive it with a fake clock, tick by tick.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Cluster.Liveness;

/// <summary>The manager's liveness tracker over the <c>nodes/</c> records in the cluster store.</summary>
public sealed class Membership(IClusterStore store, WithdrawEndpoints withdraw, MembershipOptions? options = null,
    TimeProvider? time = null, ILogger? logger = null)
{
    private sealed class Tracked
    {
        public long ModRevision;
        public DateTimeOffset HeardAt;
        public DateTimeOffset? DownSince;
        public bool Withdrawn;
    }

    private readonly MembershipOptions _options = options ?? new MembershipOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _checking = new(1, 1);

    /// <summary>Raised for every change a check makes or observes.</summary>
    public event Action<MembershipChange>? Changed;

    /// <summary>Runs <see cref="CheckAsync"/> every interval until cancelled; a failing check is logged and retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Interval, _time);
        while (await NodeHeartbeat.WaitAsync(timer, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await CheckAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MembershipLog.CheckFailed(_logger, e.Message);
            }
        }
    }

    /// <summary>One liveness pass over all node records at the current time.</summary>
    public async Task<IReadOnlyList<MembershipChange>> CheckAsync(CancellationToken cancellationToken = default)
    {
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var changes = new List<MembershipChange>();
            var now = _time.GetUtcNow();
            var records = await store.ListAsync(Keys.NodesPrefix, cancellationToken).ConfigureAwait(false);
            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in records)
            {
                var node = Read(kv);
                if (node is null)
                    continue;
                present.Add(node.Id);
                await CheckNodeAsync(kv, node, now, changes, cancellationToken).ConfigureAwait(false);
            }
            foreach (var gone in _tracked.Keys.Where(id => !present.Contains(id)).ToList())
                _tracked.Remove(gone);
            foreach (var change in changes)
            {
                MembershipLog.Changed(_logger, change.NodeId, change.Kind, change.WithdrawnEndpoints);
                Changed?.Invoke(change);
            }
            return changes;
        }
        finally
        {
            _checking.Release();
        }
    }

    private async Task CheckNodeAsync(KeyValue kv, Node node, DateTimeOffset now, List<MembershipChange> changes, CancellationToken ct)
    {
        if (!_tracked.TryGetValue(node.Id, out var t))
        {
            t = new Tracked { ModRevision = kv.ModRevision, HeardAt = now, DownSince = node.State == NodeState.Down ? now : null };
            _tracked[node.Id] = t;
            changes.Add(new MembershipChange(node.Id, MembershipChangeKind.Seen));
        }
        else if (kv.ModRevision != t.ModRevision)
        {
            t.ModRevision = kv.ModRevision;
            if (node.State == NodeState.Ready)
            {
                t.HeardAt = now;
                if (t.DownSince is not null)
                    changes.Add(new MembershipChange(node.Id, MembershipChangeKind.Up));
                t.DownSince = null;
                t.Withdrawn = false;
            }
        }

        if (t.DownSince is null && now - t.HeardAt >= _options.DownAfter)
        {
            var down = ModelJson.Serialize(node with { State = NodeState.Down });
            if (!await store.CompareAndSwapAsync(kv.Key, kv.ModRevision, down, kv.Lease, ct).ConfigureAwait(false))
                return; // a heartbeat got in first: the node is alive; the next check sees it
            if (await store.GetAsync(kv.Key, ct).ConfigureAwait(false) is { } written && Read(written)?.State == NodeState.Down)
                t.ModRevision = written.ModRevision;
            t.DownSince = now;
            changes.Add(new MembershipChange(node.Id, MembershipChangeKind.Down));
        }

        if (t.DownSince is { } since && !t.Withdrawn && now - since >= _options.WithdrawGrace)
        {
            var count = await withdraw(node, ct).ConfigureAwait(false);
            t.Withdrawn = true;
            changes.Add(new MembershipChange(node.Id, MembershipChangeKind.Withdrawn, count));
        }
    }

    private Node? Read(KeyValue kv)
    {
        try
        {
            return ModelJson.Deserialize<Node>(kv.Value);
        }
        catch (System.Text.Json.JsonException)
        {
            MembershipLog.Unreadable(_logger, kv.Key);
            return null;
        }
    }
}
