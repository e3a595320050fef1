using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Agent;

/// <summary>
/// On the node that makes keys (manager or standalone): keeps every encrypted network's keys moving — first keys for new
/// networks, scheduled rotations, activation and retirement of a rotation's epochs — by stepping
/// <see cref="Control.Services.NetworkKeyService"/> when the next step is due (on <see cref="TimeProvider"/>) or when a network
/// changes. On a worker it idles.
/// </summary>
internal sealed partial class NetworkKeyScheduler(AgentState state, IClusterStore localStore, ILogger<NetworkKeyScheduler> logger, TimeProvider? time = null)
    : BackgroundService
{
    /// <summary>Longest wait between two steps (also how soon a worker that became manager starts).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private CancellationTokenSource? _waiting;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.LocalKeys.Rotated += WakeUp; // a rotation on demand: its activation is due in seconds
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = MaxWait;
                var revision = await localStore.GetRevisionAsync(stoppingToken);
                if (state.MakesKeys && await state.LocalKeys.StepAllAsync(stoppingToken) is { } due)
                {
                    var until = due - _time.GetUtcNow();
                    wait = until < TimeSpan.Zero ? TimeSpan.Zero : until < MaxWait ? until : MaxWait;
                }
                using var timer = new CancellationTokenSource(wait + TimeSpan.FromMilliseconds(20), _time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
                _waiting = either;
                try
                {
                    await foreach (var _ in localStore.WatchAsync(Keys.NetworksPrefix, revision + 1, either.Token)) break;
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // due (or the periodic check): step again
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogStepFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void WakeUp()
    {
        try
        {
            _waiting?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // between two waits: the next step reads the new schedule anyway
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "network key step failed; retrying")]
    private static partial void LogStepFailed(ILogger logger, Exception exception);
}
