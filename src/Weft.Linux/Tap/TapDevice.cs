using System.Text;
using Microsoft.Win32.SafeHandles;
using Weft.Linux.Native;

namespace Weft.Linux.Tap;

/// <summary>
/// A TAP device (Ethernet frames) opened through <c>/dev/net/tun</c>.
///
/// Design note: the fd is opened non-blocking with <c>IFF_TAP|IFF_NO_PI</c> (no 4-byte packet-info
/// prefix) and <c>IFF_TUN_EXCL</c> (never attach to an existing device), optionally with
/// <c>IFF_VNET_HDR</c> (12-byte virtio_net_hdr in front of each frame, <c>TUNSETVNETHDRSZ</c> 12) and
/// <c>TUNSETOFFLOAD</c> flags. Non-blocking reads let a caller drain every ready frame in one batch;
/// <see cref="WaitReadable"/> blocks in <c>poll</c> with a short timeout so a cancellation token or
/// <see cref="Dispose"/> ends the wait promptly. The device lives in the namespace of the thread that
/// created it (call <see cref="Create"/> inside <c>NetworkNamespace.Run</c>); the fd works from any
/// thread afterwards. Closing the fd removes the (non-persistent) device. Hand-written: .NET has no TAP API.
/// </summary>
public sealed class TapDevice : IDisposable
{
    private const int IfReqSize = 40;
    private const short IFF_TAP = 0x0002;
    private const short IFF_NO_PI = 0x1000;
    private const short IFF_VNET_HDR = 0x4000;
    private const short IFF_TUN_EXCL = unchecked((short)0x8000);
    private const nuint TUNSETIFF = 0x400454ca;
    private const nuint TUNSETOFFLOAD = 0x400454d0;
    private const nuint TUNSETVNETHDRSZ = 0x400454d8;
    private const int PollSliceMilliseconds = 50;

    /// <summary>Size of the virtio_net_hdr in front of each frame when <see cref="HasVnetHeader"/>.</summary>
    public const int VnetHeaderSize = 12;

    private readonly SafeFileHandle _fd;
    private volatile bool _disposed;

    private TapDevice(SafeFileHandle fd, string name, bool vnetHeader, TapOffloads offloads)
    {
        _fd = fd;
        Name = name;
        HasVnetHeader = vnetHeader;
        Offloads = offloads;
    }

    public string Name { get; }

    public bool HasVnetHeader { get; }

    public TapOffloads Offloads { get; }

    /// <summary>
    /// Creates TAP <paramref name="name"/> in the calling thread's namespace. Throws naming the device
    /// when the name is invalid or taken; on failure nothing is left behind.
    /// </summary>
    public static unsafe TapDevice Create(string name, bool vnetHeader = false, TapOffloads offloads = TapOffloads.None)
    {
        InterfaceName.Validate(name, "tap");
        if (offloads != TapOffloads.None && !vnetHeader)
            throw new ArgumentException($"tap '{name}': offloads need the virtio net header (vnetHeader: true)", nameof(offloads));
        if (Libc.IfNameToIndex(name) != 0)
            throw new LinuxException("TUNSETIFF", $"tap '{name}'", Errno.EEXIST);

        var raw = Libc.Open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (raw < 0) throw new LinuxException("open", $"/dev/net/tun for tap '{name}'", Libc.Errno);
        var fd = new SafeFileHandle(raw, ownsHandle: true);
        try
        {
            var ifr = stackalloc byte[IfReqSize];
            new Span<byte>(ifr, IfReqSize).Clear();
            Encoding.UTF8.GetBytes(name, new Span<byte>(ifr, 15));
            *(short*)(ifr + 16) = (short)(IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL | (vnetHeader ? IFF_VNET_HDR : 0));
            if (Libc.Ioctl(raw, TUNSETIFF, ifr) != 0)
                throw new LinuxException("TUNSETIFF", $"tap '{name}'", Libc.Errno);
            if (vnetHeader)
            {
                var size = VnetHeaderSize;
                if (Libc.Ioctl(raw, TUNSETVNETHDRSZ, &size) != 0)
                    throw new LinuxException("TUNSETVNETHDRSZ", $"tap '{name}'", Libc.Errno);
                if (Libc.Ioctl(raw, TUNSETOFFLOAD, (nuint)offloads) != 0)
                    throw new LinuxException("TUNSETOFFLOAD", $"tap '{name}' ({offloads})", Libc.Errno);
            }
            return new TapDevice(fd, name, vnetHeader, offloads);
        }
        catch
        {
            fd.Dispose(); // the device disappears with its only fd
            throw;
        }
    }

    /// <summary>
    /// Reads one frame (with its virtio header when <see cref="HasVnetHeader"/>) without blocking.
    /// Returns its length, 0 when no frame is ready, -1 when the device is closed or failed.
    /// </summary>
    public unsafe int TryRead(Span<byte> destination)
    {
        if (_disposed) return -1;
        nint n;
        fixed (byte* p = destination)
        {
            try { n = Libc.Read(_fd, p, (nuint)destination.Length); }
            catch (ObjectDisposedException) { return -1; }
        }
        if (n >= 0) return (int)n;
        var errno = Libc.Errno;
        return errno is Errno.EAGAIN or Errno.EINTR ? 0 : -1;
    }

    /// <summary>Writes one frame. Returns false when the kernel refused it (e.g. the link is down): the frame is dropped.</summary>
    public unsafe bool TryWrite(ReadOnlySpan<byte> frame)
    {
        if (_disposed) return false;
        fixed (byte* p = frame)
        {
            try { return Libc.Write(_fd, p, (nuint)frame.Length) == frame.Length; }
            catch (ObjectDisposedException) { return false; }
        }
    }

    /// <summary>Most pieces <see cref="TryWriteGather"/> takes (iovecs on the stack).</summary>
    public const int MaxGatherPieces = 128;

    /// <summary>
    /// Writes one frame gathered from <paramref name="addresses"/>/<paramref name="lengths"/> (pointers into pinned
    /// memory) with a single writev, so a frame assembled from many buffers is not copied first. False when refused.
    /// </summary>
    public unsafe bool TryWriteGather(ReadOnlySpan<nint> addresses, ReadOnlySpan<int> lengths)
    {
        if (_disposed || addresses.Length != lengths.Length || addresses.Length > MaxGatherPieces) return false;
        var iovecs = stackalloc nint[addresses.Length * 2];
        long total = 0;
        for (var i = 0; i < addresses.Length; i++)
        {
            iovecs[2 * i] = addresses[i];
            iovecs[2 * i + 1] = lengths[i];
            total += lengths[i];
        }
        try { return Libc.WriteV(_fd, iovecs, addresses.Length) == total; }
        catch (ObjectDisposedException) { return false; }
    }

    /// <summary>Blocks until a frame is ready. False when cancelled or the device was disposed.</summary>
    public unsafe bool WaitReadable(CancellationToken cancellationToken)
    {
        while (!_disposed && !cancellationToken.IsCancellationRequested)
        {
            var added = false;
            try
            {
                _fd.DangerousAddRef(ref added);
                var pfd = new Libc.PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = Libc.POLLIN };
                var r = Libc.Poll(&pfd, 1, PollSliceMilliseconds);
                if (r > 0) return (pfd.Revents & Libc.POLLIN) != 0 || !_disposed;
                if (r < 0 && Libc.Errno != Errno.EINTR) return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            finally
            {
                if (added) _fd.DangerousRelease();
            }
        }
        return false;
    }

    public void Dispose()
    {
        _disposed = true;
        _fd.Dispose();
    }
}
