using System.Net.Sockets;

namespace Weft.Linux.Sockets;

/// <summary>
/// A socket's file descriptor held for the length of a system call: the handle's reference count is raised so a
/// concurrent Dispose cannot close (and the kernel reuse) the fd mid-call. <c>using var fd = SocketFd.Enter(socket);</c>
/// </summary>
internal readonly ref struct SocketFd
{
    private readonly System.Runtime.InteropServices.SafeHandle _handle;
    private readonly bool _added;

    private SocketFd(System.Runtime.InteropServices.SafeHandle handle, bool added, int value)
    {
        _handle = handle;
        _added = added;
        Value = value;
    }

    public int Value { get; }

    /// <summary>Raises the reference count; throws ObjectDisposedException when the socket is already closed.</summary>
    public static SocketFd Enter(Socket socket)
    {
        var handle = socket.SafeHandle;
        var added = false;
        handle.DangerousAddRef(ref added);
        return new SocketFd(handle, added, (int)handle.DangerousGetHandle());
    }

    public void Dispose()
    {
        if (_added) _handle.DangerousRelease();
    }
}
