using System.Net.Sockets;

namespace Weft.Cluster.Channel;

/// <summary>
/// Socket options for channel connections on both ends: no Nagle delay (small request/answer frames) and TCP keepalive
/// (probe after 5 s idle, every 2 s, give up after 3), so a peer whose host died without closing is noticed in about 11 s
/// and long-lived watch streams fail instead of hanging.
///
/// And an MSS clamp (<see cref="MaxSegmentSize"/>), against an underlay MTU black hole: when the path MTU drops below the
/// interface's without an ICMP "fragmentation needed" reaching the sender (filtered, or an L2 hop with a smaller MTU,
/// which never sends one), full-size segments vanish and an established connection stalls for good. Linux recovers from
/// that only with TCP MTU probing, which is a per-network-namespace sysctl (net.ipv4.tcp_mtu_probing) with no per-socket
/// switch: on a real host that is the root namespace, which weftd must not retune for every program. So the channel's
/// segments are kept small enough for any path that carries IPv6's minimum MTU (1280 bytes): the clamp is set before
/// connect on the dialing side and on the listening socket (accepted connections inherit it and advertise it in their
/// SYN-ACK), so both directions use it from the handshake on. The channel carries control messages, not bulk data: the
/// cost (about 15 % more segments for large answers) does not matter. A path below 1280 bytes still stalls.
/// </summary>
internal static class SocketTuning
{
    /// <summary>IPv6's minimum MTU (1280) minus the IPv6 (40) and TCP (20) headers; also safe for IPv4 (20-byte header).</summary>
    public const int MaxSegmentSize = 1220;

    private const int IpProtoTcp = 6;  // IPPROTO_TCP
    private const int TcpMaxSeg = 2;   // TCP_MAXSEG (linux/tcp.h)

    /// <summary>For a connected (or about to connect) channel socket.</summary>
    public static void Apply(Socket socket)
    {
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 5);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 2);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        ClampSegmentSize(socket);
    }

    /// <summary>Sets the MSS clamp; call before connect or listen (later it no longer changes the connection's MSS).</summary>
    public static void ClampSegmentSize(Socket socket) =>
        socket.SetRawSocketOption(IpProtoTcp, TcpMaxSeg, BitConverter.GetBytes(MaxSegmentSize));

    /// <summary>The connection's current MSS as the kernel reports it (TCP_MAXSEG read back).</summary>
    public static int SegmentSize(Socket socket)
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        socket.GetRawSocketOption(IpProtoTcp, TcpMaxSeg, value);
        return BitConverter.ToInt32(value);
    }
}
