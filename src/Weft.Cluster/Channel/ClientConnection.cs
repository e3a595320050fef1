using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;

namespace Weft.Cluster.Channel;

/// <summary>
/// The client end of one channel connection: many concurrent calls and streams share it, matched by request id.
/// When the connection breaks every pending call fails with a <see cref="ClusterException"/> and the connection is dead;
/// <see cref="ClusterClient"/> then dials a new one for the next call.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private readonly FramedStream _framed;
    private readonly EndPoint _remote;
    private readonly ConcurrentDictionary<long, Channel<RpcFrame>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reader;
    private long _nextId;
    private bool _answered;
    private volatile string? _failure;

    public ClientConnection(Stream stream, EndPoint remote)
    {
        _framed = new FramedStream(stream);
        _remote = remote;
        _reader = Task.Run(ReadLoopAsync);
    }

    public bool IsAlive => _failure is null;

    public async Task<JsonElement> CallAsync(string method, JsonElement body, CancellationToken cancellationToken)
    {
        var (id, answers) = Open();
        try
        {
            await SendAsync(new RpcFrame(id, RpcFrame.Call, method, body), method, cancellationToken).ConfigureAwait(false);
            RpcFrame answer;
            try
            {
                answer = await NextAsync(answers, method, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await CancelRemoteAsync(id).ConfigureAwait(false);
                throw;
            }
            return answer.Kind switch
            {
                RpcFrame.Result => answer.Body ?? default,
                RpcFrame.Failure => throw RemoteErrors.Raise(answer.ErrorKind, answer.Error, method, answer.Detail),
                _ => throw new ClusterException($"cluster call '{method}' to {_remote} failed: unexpected '{answer.Kind}' frame"),
            };
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public async IAsyncEnumerable<JsonElement> StreamAsync(string method, JsonElement body,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (id, answers) = Open();
        var ended = false;
        try
        {
            await SendAsync(new RpcFrame(id, RpcFrame.Stream, method, body), method, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var answer = await NextAsync(answers, method, cancellationToken).ConfigureAwait(false);
                switch (answer.Kind)
                {
                    case RpcFrame.Item:
                        yield return answer.Body ?? default;
                        break;
                    case RpcFrame.End:
                        ended = true;
                        yield break;
                    case RpcFrame.Failure:
                        ended = true;
                        throw RemoteErrors.Raise(answer.ErrorKind, answer.Error, method, answer.Detail);
                    default:
                        throw new ClusterException($"cluster stream '{method}' from {_remote} failed: unexpected '{answer.Kind}' frame");
                }
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
            if (!ended)
                await CancelRemoteAsync(id).ConfigureAwait(false);
        }
    }

    /// <summary>Tells the server to stop working on request <paramref name="id"/> (best effort).</summary>
    private async Task CancelRemoteAsync(long id)
    {
        if (!IsAlive)
            return;
        try
        {
            await _framed.SendAsync(new RpcFrame(id, RpcFrame.Cancel), _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private (long Id, Channel<RpcFrame> Answers) Open()
    {
        if (_failure is { } failure)
            throw new ClusterException($"cluster channel to {_remote} is closed: {failure}");
        var id = Interlocked.Increment(ref _nextId);
        var answers = System.Threading.Channels.Channel.CreateUnbounded<RpcFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _pending[id] = answers;
        if (_failure is not null)
            answers.Writer.TryComplete();
        return (id, answers);
    }

    private async Task SendAsync(RpcFrame frame, string method, CancellationToken cancellationToken)
    {
        try
        {
            await _framed.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            Fail(e.Message);
            throw new ClusterException($"cluster call '{method}' to {_remote} failed: {_failure}", e);
        }
    }

    private async Task<RpcFrame> NextAsync(Channel<RpcFrame> answers, string method, CancellationToken cancellationToken)
    {
        try
        {
            return await answers.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ClusterException($"cluster call '{method}' to {_remote} failed: {_failure}");
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await _framed.ReceiveAsync(_closing.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    Fail("the peer closed the connection");
                    return;
                }
                _answered = true;
                if (_pending.TryGetValue(frame.Id, out var answers))
                    answers.Writer.TryWrite(frame);
            }
        }
        catch (Exception e)
        {
            Fail(_closing.IsCancellationRequested ? "the connection was closed locally" : e.Message);
        }
    }

    private void Fail(string reason)
    {
        if (!_answered && !_closing.IsCancellationRequested)
            reason = $"the peer refused this node or closed the connection before answering ({reason}); is this node's certificate issued by the cluster CA?";
        _failure ??= $"connection lost: {reason}";
        foreach (var answers in _pending.Values)
            answers.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (_closing.IsCancellationRequested)
            return;
        _closing.Cancel();
        await _framed.DisposeAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        _closing.Dispose();
    }
}
