using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Cluster.Liveness;

/// <summary>
/// Every node (the manager too) rewrites its own <c>nodes/&lt;id&gt;</c> record once per interval with state ready and a
/// fresh LastSeen. Each write bumps the key's ModRevision, which is what the manager watches for; LastSeen is for people.
/// </summary>
public sealed class NodeHeartbeat(IClusterStore store, Node self, MembershipOptions? options = null, TimeProvider? time = null,
    ILogger? logger = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeSpan _interval = (options ?? new MembershipOptions()).Interval;

    public string NodeId => self.Id;

    /// <summary>Writes one heartbeat now; returns the store revision of the write.</summary>
    public Task<long> BeatAsync(CancellationToken cancellationToken = default)
    {
        var record = self with { State = NodeState.Ready, LastSeen = _time.GetUtcNow() };
        return store.PutAsync(Keys.Node(self.Id), ModelJson.Serialize(record), 0, cancellationToken);
    }

    /// <summary>Beats every interval until cancelled. A failed beat (manager unreachable) is logged and retried next interval.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                await BeatAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MembershipLog.HeartbeatFailed(_logger, self.Id, e.Message);
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    internal static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
