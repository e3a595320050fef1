using System.Net.Sockets;
using Weft.Linux.Native;

namespace Weft.Linux.Sockets;

/// <summary>
/// UDP segmentation offloads of a socket: <c>UDP_SEGMENT</c> (GSO: one send carries many equal-sized datagrams,
/// split by the kernel or the NIC) and <c>UDP_GRO</c> (receive: the kernel hands over consecutive datagrams of a
/// flow as one buffer with the segment size in a control message). Both are probed, never assumed.
/// </summary>
public static class UdpOffloads
{
    /// <summary>True when the kernel knows <c>UDP_SEGMENT</c> on this socket (probed with getsockopt, like wireguard-go).</summary>
    public static unsafe bool SupportsSegmentation(Socket socket)
    {
        using var fd = SocketFd.Enter(socket);
        var value = 0;
        var length = (uint)sizeof(int);
        return Libc.GetSockOpt(fd.Value, Libc.SOL_UDP, Libc.UDP_SEGMENT, &value, &length) == 0;
    }

    /// <summary>
    /// Sets the socket's receive and send buffers to <paramref name="bytes"/> with SO_RCVBUFFORCE/SO_SNDBUFFORCE (root
    /// may exceed net.core.rmem_max), falling back to the capped SO_RCVBUF/SO_SNDBUF. Large buffers absorb the bursts
    /// a GSO sender makes; wireguard-go does the same.
    /// </summary>
    public static unsafe void SetBuffers(Socket socket, int bytes)
    {
        const int SolSocket = 1, SoSndBuf = 7, SoRcvBuf = 8, SoSndBufForce = 32, SoRcvBufForce = 33;
        using var fd = SocketFd.Enter(socket);
        if (Libc.SetSockOpt(fd.Value, SolSocket, SoRcvBufForce, &bytes, sizeof(int)) != 0) Libc.SetSockOpt(fd.Value, SolSocket, SoRcvBuf, &bytes, sizeof(int));
        if (Libc.SetSockOpt(fd.Value, SolSocket, SoSndBufForce, &bytes, sizeof(int)) != 0) Libc.SetSockOpt(fd.Value, SolSocket, SoSndBuf, &bytes, sizeof(int));
    }

    /// <summary>Turns on <c>UDP_GRO</c>; false when the kernel refuses it (the socket then gets one datagram per receive).</summary>
    public static unsafe bool TryEnableGro(Socket socket)
    {
        using var fd = SocketFd.Enter(socket);
        var on = 1;
        return Libc.SetSockOpt(fd.Value, Libc.SOL_UDP, Libc.UDP_GRO, &on, sizeof(int)) == 0;
    }
}
