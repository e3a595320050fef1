using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Seams;
using Weft.Linux.Sockets;
using Weft.Linux;

namespace Weft.DataPlane.Devices;

public sealed partial class UdpUnderlay
{
    /// <summary>Datagrams per UDP_SEGMENT send (the kernel's UDP_MAX_SEGMENTS is 64 on older kernels).</summary>
    private const int MaxSegments = 64;

    /// <summary>Bytes per UDP_SEGMENT send (a UDP datagram's 16-bit length, with room for the headers).</summary>
    private const int MaxSegmentedBytes = 65000;

    /// <summary>Messages per recvmmsg; each may be a GRO-coalesced 64 KiB buffer.</summary>
    private const int ReceiveMessages = 16;

    private const int ReceiveBufferSize = 65536;

    /// <summary>Socket buffers of the batched path (7 MiB like wireguard-go): a GSO sender's bursts must not overflow the receiver.</summary>
    private const int SocketBufferBytes = 7 << 20;

    private BatchState? _batching;

    /// <summary>What this underlay runs with (plain unless constructed with offloads on).</summary>
    public DataPathFeatures Features { get; private set; } = DataPathFeatures.Plain;

    /// <summary>Super-sends (several datagrams in one UDP_SEGMENT message) handed to the kernel.</summary>
    public long SegmentedSends => Interlocked.Read(ref _segmentedSends);

    /// <summary>GRO-coalesced receive buffers split into datagrams.</summary>
    public long CoalescedReceives => Interlocked.Read(ref _coalescedReceives);

    private long _segmentedSends;
    private long _coalescedReceives;

    private void EnableBatching()
    {
        var gso = UdpOffloads.SupportsSegmentation(_socket);
        var gro = UdpOffloads.TryEnableGro(_socket);
        UdpOffloads.SetBuffers(_socket, SocketBufferBytes);
        _batching = new BatchState(gso);
        Features = new DataPathFeatures(Requested: true, TapSegmentation: false, TapCoalescing: false, UdpBatching: true, UdpSegmentation: gso, UdpGro: gro);
    }

    /// <summary>
    /// Groups consecutive packets to the same peer from the same source port, of equal length (the last may be
    /// shorter), into one UDP_SEGMENT message; all messages of the batch go in as few sendmmsg calls as possible
    /// (one sendmmsg carries messages of one source-port socket, so a change of socket flushes).
    /// A message the kernel refuses is dropped (its datagrams counted); EIO on a segmented send turns GSO off for good
    /// (the kernel or device cannot segment), like wireguard-go.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    private unsafe void SendBatched(ReadOnlySpan<PacketBuffer> packets)
    {
        var state = _batching!;
        lock (state.Send)
        {
            if (_disposed) return;
            var batch = state.Send;
            batch.Clear();
            var addressLength = _ipv6 ? 28 : 16;
            var socket = _socket;
            var address = _sendAddress.Buffer.Span;
            var i = 0;
            while (i < packets.Length)
            {
                var first = packets[i];
                if (first.Length == 0 || !WritePeer(first.Peer, address))
                {
                    Interlocked.Increment(ref _sendDrops);
                    i++;
                    continue;
                }
                var size = first.Length;
                var total = size;
                var j = i + 1;
                while (state.Gso && j < packets.Length && j - i < MaxSegments)
                {
                    var next = packets[j];
                    if (next.Length == 0 || next.Length > size || next.Peer != first.Peer || next.SourcePort != first.SourcePort
                        || total + next.Length > MaxSegmentedBytes) break;
                    total += next.Length;
                    j++;
                    if (next.Length < size) break;
                }
                var segments = j - i;
                var sender = SenderFor(first.SourcePort);
                if (batch.IsFull(segments) || (sender != socket && batch.Count > 0)) Flush(state, socket);
                socket = sender;
                batch.BeginMessage(address, addressLength, segments > 1 ? (ushort)size : (ushort)0);
                for (var k = i; k < j; k++)
                {
                    var p = packets[k];
                    batch.AddBuffer((byte*)Marshal.UnsafeAddrOfPinnedArrayElement(p.Array, p.Offset), p.Length);
                }
                state.Segments[batch.Count - 1] = segments;
                i = j;
            }
            Flush(state, socket);
        }
    }

    private void Flush(BatchState state, Socket socket)
    {
        var batch = state.Send;
        var start = 0;
        while (start < batch.Count)
        {
            var next = batch.Send(socket, start, out var errno);
            for (var m = start; m < next; m++)
            {
                if (state.Segments[m] > 1) Interlocked.Increment(ref _segmentedSends);
            }
            if (next >= batch.Count) break;
            Interlocked.Add(ref _sendDrops, state.Segments[next]);
            if (errno == Errno.EIO && state.Segments[next] > 1)
            {
                state.Gso = false;
                Features = Features with { UdpSegmentation = false };
            }
            start = next + 1;
        }
        batch.Clear();
    }

    /// <summary>
    /// Fills <paramref name="packets"/> from recvmmsg'd staging buffers, splitting GRO-coalesced buffers at their segment
    /// size; what does not fit stays staged for the next call, in order. Blocks (poll) only when nothing is staged or queued.
    /// </summary>
    private int ReceiveBatched(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        var state = _batching!;
        var count = 0;
        try
        {
            // The previous call found the socket empty: wait in poll first instead of paying for another empty recvmmsg.
            if (state.Drained && state.StagedIndex >= state.Staged && !WaitReadable(cancellationToken)) return 0;
            while (true)
            {
                lock (state.Receive)
                {
                    if (_disposed) return 0;
                    state.Drained = false;
                    count = DrainStaged(state, packets, count);
                    if (count == packets.Length) return count;
                    var n = ReceiveNow(state);
                    if (n > 0) continue;
                    if (n < 0) Interlocked.Increment(ref _receiveErrors);
                    state.Drained = true;
                }
                if (count > 0) return count;
                if (!WaitReadable(cancellationToken)) return 0;
            }
        }
        catch (ObjectDisposedException)
        {
            return count;
        }
    }

    /// <summary>Polls until a datagram is queued; false when cancelled or disposed.</summary>
    private bool WaitReadable(CancellationToken cancellationToken)
    {
        while (!_socket.Poll(PollSlice, SelectMode.SelectRead))
        {
            if (_disposed || cancellationToken.IsCancellationRequested) return false;
        }
        return true;
    }

    private unsafe int ReceiveNow(BatchState state)
    {
        var batch = state.Receive;
        for (var m = 0; m < ReceiveMessages; m++)
            batch.PrepareReceive(m, (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(state.Staging[m], 0), ReceiveBufferSize);
        var n = batch.Receive(_socket, ReceiveMessages, out _);
        state.Staged = Math.Max(n, 0);
        state.StagedIndex = 0;
        state.StagedOffset = 0;
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    private int DrainStaged(BatchState state, Span<PacketBuffer> packets, int count)
    {
        var batch = state.Receive;
        while (state.StagedIndex < state.Staged && count < packets.Length)
        {
            var m = state.StagedIndex;
            var length = batch.ReceivedLength(m);
            var segment = batch.ReceivedSegmentSize(m);
            if (segment <= 0 || segment > length) segment = length;
            var take = Math.Min(segment, length - state.StagedOffset);
            if (take > 0)
            {
                var packet = packets[count];
                packet.Reset();
                if (take <= packet.Writable.Length)
                {
                    state.Staging[m].AsSpan(state.StagedOffset, take).CopyTo(packet.Writable);
                    packet.SetLength(take);
                    packet.Peer = ReadPeer(batch.ReceivedAddress(m));
                    count++;
                }
                if (state.StagedOffset == 0 && take < length) Interlocked.Increment(ref _coalescedReceives);
                state.StagedOffset += take;
            }
            if (take <= 0 || state.StagedOffset >= length)
            {
                state.StagedIndex++;
                state.StagedOffset = 0;
            }
        }
        return count;
    }

    /// <summary>Native message arrays and staging buffers of the batched path; each message array is also the lock of its direction.</summary>
    private sealed class BatchState(bool gso) : IDisposable
    {
        public UdpMessageBatch Send { get; } = new(maxMessages: 64, maxBuffers: 256);

        public UdpMessageBatch Receive { get; } = new(maxMessages: ReceiveMessages, maxBuffers: ReceiveMessages);

        public int[] Segments { get; } = new int[64];

        public byte[][] Staging { get; } = Enumerable.Range(0, ReceiveMessages).Select(_ => GC.AllocateArray<byte>(ReceiveBufferSize, pinned: true)).ToArray();

        public volatile bool Gso = gso;
        public bool Drained;
        public int Staged;
        public int StagedIndex;
        public int StagedOffset;

        public void Dispose()
        {
            lock (Send) Send.Dispose();
            lock (Receive) Receive.Dispose();
        }
    }
}
