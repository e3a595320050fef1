using System.Net.Sockets;

namespace Weft.Cluster.Channel;

/// <summary>
/// Socket options for channel connections on both ends: no Nagle delay (small request/answer frames) and TCP keepalive
/// (probe after 5 s idle, every 2 s, give up after 3), so a peer whose host died without closing is noticed in about 11 s
/// and long-lived watch streams fail instead of hanging.
/// </summary>
internal static class SocketTuning
{
    public static void Apply(Socket socket)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 5);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 2);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }
}
