using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Channel;

/// <summary>
/// Calls another node (normally the manager) over the mutual-TLS channel with this node's certificate.
/// Dials lazily and again after a broken connection; calls and streams are multiplexed on one connection.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly NodeIdentity _identity;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _connectTimeout;
    private readonly SemaphoreSlim _dialLock = new(1, 1);
    private ClientConnection? _connection;
    private bool _disposed;

    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(15);

    public ClusterClient(NodeIdentity identity, EndPoint server, ILogger? logger = null, TimeProvider? time = null, TimeSpan? connectTimeout = null,
        TimeSpan? callTimeout = null)
    {
        _identity = identity;
        Server = server;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _connectTimeout = connectTimeout ?? ChannelDialer.DefaultTimeout;
        CallTimeout = callTimeout ?? DefaultCallTimeout;
    }

    public EndPoint Server { get; }

    /// <summary>How long a single (non-stream) call may wait for its answer, on the wall clock.</summary>
    public TimeSpan CallTimeout { get; }

    public async Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(CallTimeout);
        try
        {
            var connection = await ConnectionAsync(deadline.Token).ConfigureAwait(false);
            var body = await connection.CallAsync(method, ChannelJson.ToElement(request), deadline.Token).ConfigureAwait(false);
            return ChannelJson.FromElement<TResponse>(body, $"answer to '{method}'");
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ClusterException($"cluster call '{method}' to {Server} failed: no answer within {CallTimeout.TotalSeconds:0.###} s", e);
        }
    }

    public async IAsyncEnumerable<TItem> StreamAsync<TRequest, TItem>(string method, TRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in connection.StreamAsync(method, ChannelJson.ToElement(request), cancellationToken).ConfigureAwait(false))
            yield return ChannelJson.FromElement<TItem>(item, $"item of '{method}'");
    }

    private async Task<ClientConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection is { IsAlive: true } live)
            return live;
        await _dialLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsAlive: true } raced)
                return raced;
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
            var tls = ChannelTls.Client(_identity, _time, reason => ChannelLog.Refused(_logger, Server, reason));
            var stream = await ChannelDialer.ConnectAsync(Server, tls, _connectTimeout, cancellationToken).ConfigureAwait(false);
            _connection = new ClientConnection(stream, Server);
            return _connection;
        }
        finally
        {
            _dialLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _dialLock.Dispose();
    }
}
