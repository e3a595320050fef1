// Design note — cluster channel.
// Agents talk over TCP (default port 7946, bound to the node's underlay address) wrapped in TLS 1.3/1.2 with
// mutual authentication against the cluster CA (SslStream; see ChannelTls). On top: length-prefixed JSON frames
// (Framing, RpcFrame) carrying calls with a method name, single results, and server-push streams (for store watch),
// multiplexed by request id on one connection. gRPC would need ASP.NET Core/Kestrel plus code generation for what is
// a dozen methods; the framing here is ~100 lines and has no dependency beyond the BCL.
// A client without a certificate issued by the cluster CA fails the handshake: no frame is read from it.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Channel;

/// <summary>The listening side of the cluster channel: accepts mutual-TLS connections and serves an <see cref="RpcRouter"/>.</summary>
public sealed class ClusterServer : IAsyncDisposable
{
    private readonly NodeIdentity _identity;
    private readonly ChannelOptions _options;
    private readonly RpcRouter _router;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SslStreamCertificateContext _certificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private TcpListener? _listener;
    private Task? _acceptLoop;

    public ClusterServer(NodeIdentity identity, ChannelOptions options, RpcRouter router, ILogger? logger = null, TimeProvider? time = null)
    {
        _identity = identity;
        _options = options;
        _router = router;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _certificate = SslStreamCertificateContext.Create(identity.Certificate, [identity.CaCertificate], offline: true);
    }

    /// <summary>The bound endpoint (useful with port 0).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)(_listener ?? throw new InvalidOperationException("cluster channel is not started")).LocalEndpoint;

    public void Start()
    {
        if (_listener is not null)
            throw new InvalidOperationException("cluster channel is already started");
        var listener = new TcpListener(_options.Listen);
        try
        {
            SocketTuning.ClampSegmentSize(listener.Server); // inherited by every accepted connection, from its SYN-ACK on
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new ClusterException($"cluster channel listen on {_options.Listen} failed: {e.SocketErrorCode} (errno {e.ErrorCode})", e);
        }
        _listener = listener;
        ChannelLog.Listening(_logger, LocalEndpoint);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                    return;
                continue;
            }
            var task = Task.Run(() => ServeAsync(client));
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var remote = client.Client.RemoteEndPoint;
        SocketTuning.Apply(client.Client);
        using var _ = client;
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        await using var framed = new FramedStream(ssl);
        var join = false;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            handshake.CancelAfter(_options.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync((_, hello, _, _) =>
            {
                join = hello.ServerName == ChannelTls.JoinServerName;
                return ValueTask.FromResult(ChannelTls.Server(_certificate, _identity.Trust, join, _time,
                    reason => ChannelLog.Refused(_logger, remote, reason), _options.IsNodeAllowed));
            }, null, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
        {
            ChannelLog.Refused(_logger, remote, $"TLS handshake failed: {e.Message}");
            return;
        }

        var peer = join ? null : ChannelTls.AsCertificate2(ssl.RemoteCertificate);
        var context = new CallContext(peer?.GetNameInfo(X509NameType.SimpleName, false), peer, remote);
        var connection = new ServerConnection(framed, _router, context, _logger);
        var reason = await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
        ChannelLog.ConnectionEnded(_logger, remote, context.NodeId ?? "join", reason);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        _stopping.Cancel();
        _listener?.Stop();
        if (_acceptLoop is not null)
            await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _listener?.Dispose();
        _stopping.Dispose();
    }
}
