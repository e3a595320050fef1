using System.Net.Sockets;
using Weft.Linux.Namespaces;
using Weft.Linux.Native;

namespace Weft.Linux.Netlink;

/// <summary>
/// Change notifications of one network namespace: a NETLINK_ROUTE socket that joined the link and neighbour groups
/// (RTNLGRP_LINK, RTNLGRP_NEIGH: links, neighbour and FDB entries added, changed or deleted, by anyone). It reports only
/// that something changed, not what: its user re-reads the state it cares about, so a lost notification (ENOBUFS on an
/// overrun socket) costs nothing but is also reported as a change. Waiting blocks in the runtime's epoll, no polling.
/// </summary>
public sealed class RtNetlinkMonitor : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RtNetlinkMonitor(Socket socket) => _socket = socket;

    /// <summary>Opens a monitor of <paramref name="namespaceName"/> (null: the current namespace).</summary>
    public static RtNetlinkMonitor Open(string? namespaceName)
    {
        var where = namespaceName is null ? "current namespace" : $"namespace '{namespaceName}'";
        var socket = NetworkNamespace.Run(namespaceName, () =>
        {
            var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
            if (fd < 0) throw new LinuxException("socket(AF_NETLINK)", where, Libc.Errno);
            var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
            // Bound (the kernel picks the port id): the kernel's broadcasts skip sockets whose port id is still 0, its own.
            if (!BindAnyPort(fd))
            {
                var errno = Libc.Errno;
                socket.Dispose();
                throw new LinuxException("bind(AF_NETLINK)", where, errno);
            }
            return socket;
        });
        try
        {
            socket.SetRawSocketOption(Rtm.SOL_NETLINK, Rtm.NETLINK_ADD_MEMBERSHIP, BitConverter.GetBytes(Rtm.RTNLGRP_LINK));
            socket.SetRawSocketOption(Rtm.SOL_NETLINK, Rtm.NETLINK_ADD_MEMBERSHIP, BitConverter.GetBytes(Rtm.RTNLGRP_NEIGH));
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new LinuxException("setsockopt(NETLINK_ADD_MEMBERSHIP)", where, (int)e.SocketErrorCode);
        }
        socket.Blocking = false;
        return new RtNetlinkMonitor(socket);
    }

    private static unsafe bool BindAnyPort(int fd)
    {
        var address = stackalloc byte[12]; // struct sockaddr_nl: family, pad, pid 0 (kernel assigns), groups 0
        new Span<byte>(address, 12).Clear();
        address[0] = (byte)Libc.AF_NETLINK;
        return Libc.Bind(fd, address, 12) == 0;
    }

    /// <summary>Waits until the kernel reports a change (or lost some reports), then takes what is queued. Cancellable.</summary>
    public async Task WaitForChangeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
        {
            // overrun: notifications were lost, which is a change as far as the caller knows
        }
        // Take what queued meanwhile without blocking (the socket is non-blocking; FIONREAD, behind Socket.Available, is not
        // supported on netlink sockets).
        while (_socket.Receive(_buffer, SocketFlags.None, out var error) > 0 || error == SocketError.NoBufferSpaceAvailable)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
