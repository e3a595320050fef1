using System.Net.Sockets;
using System.Runtime.InteropServices;
using Weft.Linux.Native;

namespace Weft.Linux.Sockets;

/// <summary>
/// A reusable native array of <c>mmsghdr</c> for <c>sendmmsg</c>/<c>recvmmsg</c> on a UDP socket: one system call
/// moves many datagrams. On send a message gathers several buffers (<c>iovec</c>s) and may carry a <c>UDP_SEGMENT</c>
/// control message (the kernel cuts it into datagrams of that size: UDP GSO); on receive each message gets one buffer
/// and room for a <c>UDP_GRO</c> control message (the segment size of a coalesced datagram).
///
/// Design note: everything the kernel reads (headers, iovecs, addresses, control buffers) lives in one block of
/// native memory allocated once, so a batch never allocates. The data buffers themselves must not move while a call
/// runs: callers pass pointers into pinned arrays (<see cref="GC.AllocateArray{T}(int, bool)"/> with pinned: true).
/// Layouts are x86-64/arm64 Linux (LP64): msghdr 56 bytes, mmsghdr 64, iovec 16, cmsghdr 16 + data. Hand-written:
/// .NET's Socket has no sendmmsg/recvmmsg and no control-message send API.
/// </summary>
public sealed unsafe class UdpMessageBatch : IDisposable
{
    private const int MmsgSize = 64;
    private const int IovecSize = 16;
    private const int AddressSize = 28; // sockaddr_in6, large enough for sockaddr_in
    private const int ControlSize = 32; // CMSG_SPACE(sizeof(int)) = 24, rounded up
    private const int CmsgHeaderSize = 16;

    private readonly byte* _memory;
    private readonly byte* _messages;
    private readonly byte* _iovecs;
    private readonly byte* _addresses;
    private readonly byte* _controls;
    private int _iovecCount;
    private bool _disposed;

    public UdpMessageBatch(int maxMessages, int maxBuffers)
    {
        if (maxMessages <= 0) throw new ArgumentOutOfRangeException(nameof(maxMessages));
        if (maxBuffers < maxMessages) throw new ArgumentOutOfRangeException(nameof(maxBuffers));
        MaxMessages = maxMessages;
        MaxBuffers = maxBuffers;
        var total = (nuint)(maxMessages * (MmsgSize + AddressSize + ControlSize) + maxBuffers * IovecSize);
        _memory = (byte*)NativeMemory.AllocZeroed(total);
        _messages = _memory;
        _iovecs = _messages + maxMessages * MmsgSize;
        _addresses = _iovecs + maxBuffers * IovecSize;
        _controls = _addresses + maxMessages * AddressSize;
    }

    public int MaxMessages { get; }

    public int MaxBuffers { get; }

    /// <summary>Messages added since <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>True when another message with <paramref name="buffers"/> buffers would not fit.</summary>
    public bool IsFull(int buffers = 1) => Count >= MaxMessages || _iovecCount + buffers > MaxBuffers;

    public void Clear()
    {
        Count = 0;
        _iovecCount = 0;
    }

    /// <summary>
    /// Starts a message to <paramref name="sockaddr"/> (a sockaddr_in or sockaddr_in6, <paramref name="addressLength"/>
    /// bytes). With <paramref name="segmentSize"/> &gt; 0 it carries a <c>UDP_SEGMENT</c> control message.
    /// </summary>
    public void BeginMessage(ReadOnlySpan<byte> sockaddr, int addressLength, ushort segmentSize)
    {
        if (Count >= MaxMessages) throw new InvalidOperationException("message batch is full");
        var index = Count++;
        var address = _addresses + index * AddressSize;
        sockaddr[..addressLength].CopyTo(new Span<byte>(address, AddressSize));
        var msg = _messages + index * MmsgSize;
        new Span<byte>(msg, MmsgSize).Clear();
        *(byte**)msg = address;                             // msg_name
        *(uint*)(msg + 8) = (uint)addressLength;            // msg_namelen
        *(byte**)(msg + 16) = _iovecs + _iovecCount * IovecSize; // msg_iov (msg_iovlen grows with AddBuffer)
        if (segmentSize > 0)
        {
            var control = _controls + index * ControlSize;
            new Span<byte>(control, ControlSize).Clear();
            *(ulong*)control = CmsgHeaderSize + sizeof(ushort); // cmsg_len = CMSG_LEN(2)
            *(int*)(control + 8) = Libc.SOL_UDP;
            *(int*)(control + 12) = Libc.UDP_SEGMENT;
            *(ushort*)(control + CmsgHeaderSize) = segmentSize;
            *(byte**)(msg + 32) = control;                  // msg_control
            *(ulong*)(msg + 40) = 24;                       // msg_controllen = CMSG_SPACE(2)
        }
    }

    /// <summary>Appends a buffer (a pointer into pinned memory) to the current message.</summary>
    public void AddBuffer(byte* data, int length)
    {
        if (Count == 0 || _iovecCount >= MaxBuffers) throw new InvalidOperationException("message batch has no room for another buffer");
        var iov = _iovecs + _iovecCount++ * IovecSize;
        *(byte**)iov = data;
        *(ulong*)(iov + 8) = (ulong)length;
        var msg = _messages + (Count - 1) * MmsgSize;
        *(ulong*)(msg + 24) += 1; // msg_iovlen
    }

    /// <summary>
    /// Sends messages from <paramref name="start"/> on with as few <c>sendmmsg</c> calls as the kernel allows.
    /// Returns the index of the first message not sent (<see cref="Count"/> when all went) and the errno that stopped it.
    /// </summary>
    public int Send(Socket socket, int start, out int errno)
    {
        errno = 0;
        using var fd = SocketFd.Enter(socket);
        while (start < Count)
        {
            var sent = Libc.SendMmsg(fd.Value, _messages + start * MmsgSize, (uint)(Count - start), 0);
            if (sent < 0)
            {
                errno = Libc.Errno;
                if (errno == Errno.EINTR) continue;
                return start;
            }
            start += sent;
        }
        return start;
    }

    /// <summary>Sets message <paramref name="index"/> up to receive into <paramref name="data"/> (pinned), with room for the sender and a GRO control message.</summary>
    public void PrepareReceive(int index, byte* data, int length)
    {
        if ((uint)index >= (uint)MaxMessages) throw new ArgumentOutOfRangeException(nameof(index));
        var msg = _messages + index * MmsgSize;
        var iov = _iovecs + index * IovecSize;
        *(byte**)iov = data;
        *(ulong*)(iov + 8) = (ulong)length;
        new Span<byte>(msg, MmsgSize).Clear();
        *(byte**)msg = _addresses + index * AddressSize;
        *(uint*)(msg + 8) = AddressSize;
        *(byte**)(msg + 16) = iov;
        *(ulong*)(msg + 24) = 1;
        *(byte**)(msg + 32) = _controls + index * ControlSize;
        *(ulong*)(msg + 40) = ControlSize;
    }

    /// <summary>
    /// Receives up to <paramref name="count"/> datagrams (prepared with <see cref="PrepareReceive"/>) without blocking.
    /// Returns how many, 0 when none is queued, -1 on another error (<paramref name="errno"/>).
    /// </summary>
    public int Receive(Socket socket, int count, out int errno)
    {
        errno = 0;
        using var fd = SocketFd.Enter(socket);
        while (true)
        {
            var n = Libc.RecvMmsg(fd.Value, _messages, (uint)Math.Min(count, MaxMessages), Libc.MSG_DONTWAIT, null);
            if (n >= 0) return n;
            errno = Libc.Errno;
            if (errno == Errno.EINTR) continue;
            return errno == Errno.EAGAIN ? 0 : -1;
        }
    }

    /// <summary>Bytes received by message <paramref name="index"/>.</summary>
    public int ReceivedLength(int index) => (int)*(uint*)(_messages + index * MmsgSize + 56);

    /// <summary>The sender's sockaddr of message <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> ReceivedAddress(int index) => new(_addresses + index * AddressSize, AddressSize);

    /// <summary>The <c>UDP_GRO</c> segment size of message <paramref name="index"/>, 0 when it is a single datagram.</summary>
    public int ReceivedSegmentSize(int index)
    {
        var msg = _messages + index * MmsgSize;
        var control = *(byte**)(msg + 32);
        var controlLength = (int)*(ulong*)(msg + 40);
        var offset = 0;
        while (offset + CmsgHeaderSize <= controlLength)
        {
            var length = (int)*(ulong*)(control + offset);
            if (length < CmsgHeaderSize) break;
            if (*(int*)(control + offset + 8) == Libc.SOL_UDP && *(int*)(control + offset + 12) == Libc.UDP_GRO && length >= CmsgHeaderSize + 2)
                return length >= CmsgHeaderSize + 4 ? *(int*)(control + offset + CmsgHeaderSize) : *(ushort*)(control + offset + CmsgHeaderSize);
            offset += (length + 7) & ~7;
        }
        return 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.Free(_memory);
    }
}
