using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Weft.Cluster.Channel;

/// <summary>Opens a TCP connection and runs the client side of the TLS handshake, with one-line errors.</summary>
internal static class ChannelDialer
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task<SslStream> ConnectAsync(EndPoint endpoint, SslClientAuthenticationOptions tls, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        SocketTuning.Apply(socket);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new ClusterException($"cluster channel connect to {endpoint} failed: {e.SocketErrorCode} (errno {e.ErrorCode})", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ClusterException($"cluster channel connect to {endpoint} failed: no answer within {timeout.TotalSeconds:0} s", e);
        }
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, deadline.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ClusterException($"cluster channel TLS handshake with {endpoint} failed: {e.Message}", e);
        }
    }
}
