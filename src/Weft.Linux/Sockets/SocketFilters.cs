using System.Net.Sockets;
using Weft.Linux.Native;

namespace Weft.Linux.Sockets;

/// <summary>
/// Classic BPF socket filters (<c>SO_ATTACH_FILTER</c>). Hand-written: .NET has no API for them, and the one filter
/// Weft needs is a single instruction.
/// </summary>
public static class SocketFilters
{
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;
    private const ushort BpfRetK = 0x06; // BPF_RET | BPF_K

    /// <summary>
    /// Makes a socket send-only: the filter <c>ret #0</c> keeps zero bytes of every datagram, so the kernel discards
    /// whatever arrives for the socket before it is queued (nothing piles up in a receive buffer nobody reads).
    /// </summary>
    public static unsafe void DropEverything(Socket socket)
    {
        // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; } — one instruction: return 0.
        var instruction = stackalloc byte[8];
        new Span<byte>(instruction, 8).Clear();
        *(ushort*)instruction = BpfRetK;
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (64-bit: 2 + 6 padding + 8).
        var program = stackalloc byte[16];
        new Span<byte>(program, 16).Clear();
        *(ushort*)program = 1;
        *(byte**)(program + 8) = instruction;
        using var fd = SocketFd.Enter(socket);
        if (Libc.SetSockOpt(fd.Value, SolSocket, SoAttachFilter, program, 16) != 0)
            throw new LinuxException("setsockopt(SO_ATTACH_FILTER)", "send-only UDP socket", Libc.Errno);
    }
}
