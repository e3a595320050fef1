using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Api;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Agent.DataPath;

/// <summary>
/// Answers cluster-wide diagnosis requests: watches <see cref="Keys.DiagnosisRequestsPrefix"/> in the cluster store and,
/// for a network this host has a container on, probes its own links and stores the result under the request's lease
/// (so requests and answers vanish on their own). This is how one <c>weft network diagnose --all</c> sees every link of
/// the mesh, also those between two other hosts, without a new channel: the store already reaches every agent.
/// </summary>
public sealed partial class DiagnosisResponder(AgentState state, NetworkDiagnostics diagnostics, AgentOptions options, ILogger<DiagnosisResponder> logger)
    : BackgroundService
{
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private CancellationTokenSource? _currentWatch;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.ControlChanged += InterruptWatch; // joined or left: watch the new store at once
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var resync = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                _currentWatch = resync;
                var store = state.Control.Store;
                var revision = await store.GetRevisionAsync(stoppingToken);
                foreach (var kv in await store.ListAsync(Keys.DiagnosisRequestsPrefix, stoppingToken)) Answer(store, kv);
                resync.CancelAfter(Resync);
                try
                {
                    await foreach (var change in store.WatchAsync(Keys.DiagnosisRequestsPrefix, revision + 1, resync.Token))
                    {
                        if (change.Type == WatchEventType.Put) Answer(store, change.Kv);
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // periodic resync (and a new store after join or leave)
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogWatchFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void InterruptWatch()
    {
        try
        {
            _currentWatch?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // that watch has ended already; the next one reads the new store anyway
        }
    }

    /// <summary>Starts probing for a request not answered yet (in the background: several can run at once).</summary>
    private void Answer(IClusterStore store, KeyValue kv)
    {
        if (ModelJson.Deserialize<DiagnosisRequest>(kv.Value) is not { } request) return;
        lock (_answered)
        {
            if (!_answered.Add(request.Id)) return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                var network = await state.Control.Networks.InspectAsync(request.NetworkId);
                var endpoints = await state.Control.Endpoints.ListAsync(network.Id);
                if (!endpoints.Any(e => e.Host == options.NodeName)) return; // not a member: nothing to probe from here
                var result = await diagnostics.RunAsync(network, endpoints, await state.Control.Nodes.ListAsync(), CancellationToken.None);
                var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(result, WeftApiJsonContext.Default.NetworkDiagnosis);
                await store.PutAsync(Keys.DiagnosisResult(request.Id, options.NodeName), bytes, kv.Lease);
            }
            catch (Exception e)
            {
                LogAnswerFailed(logger, request.Id, e);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching diagnosis requests failed; retrying")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "diagnosis request {RequestId} could not be answered")]
    private static partial void LogAnswerFailed(ILogger logger, string requestId, Exception exception);
}
