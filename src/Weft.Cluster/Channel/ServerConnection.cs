using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Weft.Cluster.Channel;

/// <summary>One accepted, authenticated connection: reads requests, runs handlers concurrently, writes answers.</summary>
internal sealed class ServerConnection(FramedStream framed, RpcRouter router, CallContext context, ILogger logger)
{
    /// <summary>Running calls and streams by request id, so a <c>cancel</c> frame can stop them.</summary>
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _inflight = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Serves until the peer disconnects or <paramref name="stopping"/> fires; returns why it ended.</summary>
    public async Task<string> RunAsync(CancellationToken stopping)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        string reason;
        try
        {
            while (true)
            {
                var frame = await framed.ReceiveAsync(connection.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    reason = "closed by peer";
                    break;
                }
                Dispatch(frame, connection.Token);
            }
        }
        catch (Exception e)
        {
            reason = e.Message;
        }
        connection.Cancel();
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
        return reason;
    }

    private void Dispatch(RpcFrame frame, CancellationToken connection)
    {
        switch (frame.Kind)
        {
            case RpcFrame.Call:
            case RpcFrame.Stream:
                var cts = CancellationTokenSource.CreateLinkedTokenSource(connection);
                if (!_inflight.TryAdd(frame.Id, cts))
                {
                    cts.Dispose();
                    Track(FailAsync(frame, "bad-request", $"request id {frame.Id} is already in use", connection));
                    break;
                }
                // Off the reader loop: a handler that blocks must not hold up the connection's other requests.
                Track(frame.Kind == RpcFrame.Call
                    ? Task.Run(() => CallAsync(frame, cts, connection), CancellationToken.None)
                    : Task.Run(() => StreamAsync(frame, cts, connection), CancellationToken.None));
                break;
            case RpcFrame.Cancel:
                if (_inflight.TryGetValue(frame.Id, out var running))
                {
                    try
                    {
                        running.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // It finished between the lookup and the cancel.
                    }
                }
                break;
            default:
                Track(FailAsync(frame, "bad-request", $"unknown frame kind '{frame.Kind}'", connection));
                break;
        }
    }

    private void Track(Task task)
    {
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task CallAsync(RpcFrame frame, CancellationTokenSource cts, CancellationToken connection)
    {
        var method = frame.Method ?? "";
        try
        {
            if (!router.TryGetUnary(method, context.IsAuthenticatedNode, out var handler))
            {
                await FailAsync(frame, "unknown-method", Unknown(method), connection).ConfigureAwait(false);
                return;
            }
            var result = await handler(context, frame.Body, cts.Token).ConfigureAwait(false);
            await SendQuietlyAsync(new RpcFrame(frame.Id, RpcFrame.Result, Body: result), connection).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Cancelled by the caller or the connection is closing: nobody waits for an answer.
        }
        catch (Exception e)
        {
            await FailAsync(frame, e, connection).ConfigureAwait(false);
        }
        finally
        {
            _inflight.TryRemove(frame.Id, out _);
            cts.Dispose();
        }
    }

    private async Task StreamAsync(RpcFrame frame, CancellationTokenSource cts, CancellationToken connection)
    {
        var method = frame.Method ?? "";
        try
        {
            if (!router.TryGetStream(method, context.IsAuthenticatedNode, out var handler))
            {
                await FailAsync(frame, "unknown-method", Unknown(method), connection).ConfigureAwait(false);
                return;
            }
            try
            {
                await foreach (var item in handler(context, frame.Body, cts.Token).ConfigureAwait(false))
                    await framed.SendAsync(new RpcFrame(frame.Id, RpcFrame.Item, Body: item), connection).ConfigureAwait(false);
                await SendQuietlyAsync(new RpcFrame(frame.Id, RpcFrame.End), connection).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                await SendQuietlyAsync(new RpcFrame(frame.Id, RpcFrame.End), connection).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not IOException && !connection.IsCancellationRequested)
            {
                await FailAsync(frame, e, connection).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
        }
        finally
        {
            _inflight.TryRemove(frame.Id, out _);
            cts.Dispose();
        }
    }

    private string Unknown(string method) => context.IsAuthenticatedNode
        ? $"unknown method '{method}'"
        : $"method '{method}' needs a node certificate; this connection may only join";

    private Task FailAsync(RpcFrame frame, Exception e, CancellationToken connection)
    {
        var (kind, message) = RemoteErrors.Describe(e);
        ChannelLog.CallFailed(logger, frame.Method ?? "", context.NodeId ?? "join", message);
        return FailAsync(frame, kind, message, connection, RemoteErrors.DetailOf(e));
    }

    private Task FailAsync(RpcFrame frame, string kind, string message, CancellationToken connection, System.Text.Json.JsonElement? detail = null) =>
        SendQuietlyAsync(new RpcFrame(frame.Id, RpcFrame.Failure, Error: message, ErrorKind: kind, Detail: detail), connection);

    private async Task SendQuietlyAsync(RpcFrame frame, CancellationToken connection)
    {
        try
        {
            await framed.SendAsync(frame, connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is going away; the reader loop reports why.
        }
    }
}
