using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Seams;
using Weft.Linux.Tap;

namespace Weft.DataPlane.Devices;

public sealed partial class TapFrameDevice
{
    /// <summary>Room for the largest frame a TAP with TSO hands over: virtio header + 64 KiB IP packet + Ethernet + spare.</summary>
    private const int StagingSize = VirtioNetHeader.Size + 65536 + 256;

    private readonly byte[] _readStaging = new byte[StagingSize];
    private readonly byte[] _writeStaging = GC.AllocateArray<byte>(VirtioNetHeader.Size + 256, pinned: true); // virtio + merged headers
    private readonly nint[] _pieceAddresses = new nint[TapDevice.MaxGatherPieces];
    private readonly int[] _pieceLengths = new int[TapDevice.MaxGatherPieces];
    private TcpFrame _pending;
    private int _pendingLength;
    private int _pendingSegmentSize;
    private int _pendingIndex;
    private int _pendingCount;
    private long _superFramesSplit;
    private long _segmentsMade;
    private long _superFramesWritten;
    private long _segmentsCoalesced;

    /// <summary>The TAP hands over TCP super-frames (TSO offloads on): they are split on read and TCP is coalesced on write.</summary>
    public bool Segmenting { get; }

    /// <summary>GSO super-frames read from the kernel and split.</summary>
    public long SuperFramesSplit => Interlocked.Read(ref _superFramesSplit);

    /// <summary>Ordinary frames made by splitting super-frames.</summary>
    public long SegmentsMade => Interlocked.Read(ref _segmentsMade);

    /// <summary>Super-frames written to the kernel after coalescing.</summary>
    public long SuperFramesWritten => Interlocked.Read(ref _superFramesWritten);

    /// <summary>TCP segments that went into those super-frames.</summary>
    public long SegmentsCoalesced => Interlocked.Read(ref _segmentsCoalesced);

    /// <summary>
    /// Reads frames through a staging buffer: an ordinary frame is copied into the next packet (a partial checksum
    /// completed); a super-frame is cut into segments, one per packet. When the batch fills up mid-super-frame, the rest
    /// waits for the next call, so no segment is lost and order is kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    private int ReadSegmenting(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        if (_pendingIndex >= _pendingCount && !WaitIfDrained(cancellationToken)) return 0;
        while (true)
        {
            var count = 0;
            while (count < packets.Length)
            {
                if (_pendingIndex < _pendingCount)
                {
                    var packet = packets[count];
                    packet.Reset();
                    var superFrame = _readStaging.AsSpan(VirtioNetHeader.Size, _pendingLength);
                    var length = TcpSegmenter.WriteSegment(superFrame, _pending, _pendingSegmentSize, _pendingIndex++, packet.Writable);
                    if (length == 0)
                    {
                        _pendingIndex = _pendingCount;
                        Interlocked.Increment(ref _readDrops);
                        continue;
                    }
                    packet.SetLength(length);
                    Interlocked.Increment(ref _segmentsMade);
                    count++;
                    continue;
                }
                var n = _tap.TryRead(_readStaging);
                if (n < 0) return count;
                if (n == 0)
                {
                    _drained = true;
                    break;
                }
                if (!TakeFrame(n, packets[count])) continue;
                if (_pendingIndex >= _pendingCount) count++; // an ordinary frame was copied; a super-frame is cut above
            }
            if (count > 0) return count;
            _drained = false;
            if (!_tap.WaitReadable(cancellationToken)) return 0;
        }
    }

    /// <summary>Handles a frame of <paramref name="n"/> bytes (virtio header included) in the read staging buffer. False when dropped.</summary>
    private bool TakeFrame(int n, PacketBuffer packet)
    {
        if (n < VirtioNetHeader.Size)
        {
            Interlocked.Increment(ref _readDrops);
            return false;
        }
        var (gsoType, gsoSize) = VirtioNetHeader.ReadGso(_readStaging);
        var frame = _readStaging.AsSpan(VirtioNetHeader.Size, n - VirtioNetHeader.Size);
        if (gsoType == VirtioNetHeader.GsoNone)
        {
            packet.Reset();
            if (!VirtioNetHeader.TryConsume(_readStaging.AsSpan(0, n), out _) || frame.Length > packet.Writable.Length)
            {
                Interlocked.Increment(ref _readDrops);
                return false;
            }
            frame.CopyTo(packet.Writable);
            packet.SetLength(frame.Length);
            return true;
        }
        var ipv6 = gsoType == VirtioNetHeader.GsoTcpV6;
        if ((gsoType != VirtioNetHeader.GsoTcpV4 && !ipv6) || gsoSize == 0
            || !TcpFrame.TryParse(frame, lengthFromFrame: true, out var tcp) || tcp.IsIPv6 != ipv6)
        {
            Interlocked.Increment(ref _readDrops);
            return false;
        }
        _pending = tcp;
        _pendingLength = frame.Length;
        _pendingSegmentSize = gsoSize;
        _pendingIndex = 0;
        _pendingCount = TcpSegmenter.SegmentCount(tcp, gsoSize);
        Interlocked.Increment(ref _superFramesSplit);
        return true;
    }

    /// <summary>
    /// Writes a batch, merging runs of consecutive TCP segments of one flow (<see cref="TcpCoalescer"/>) into one GSO
    /// super-frame each; everything else is written as is, in the original order. A super-frame is gathered with one
    /// writev: the virtio header and merged headers from a small staging buffer, the payloads straight from the
    /// packets (pinned), so the data is not copied on the way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot path: skip tier-0 code
    private void WriteCoalescing(ReadOnlySpan<PacketBuffer> packets)
    {
        lock (_writeStaging) // Write may come from the underlay thread and (ARP replies) the device thread
        {
            var i = 0;
            while (i < packets.Length)
            {
                var head = packets[i].Data;
                if (!TcpCoalescer.IsCandidate(head, out var headTcp) || TcpCoalescer.EndsGroup(head, headTcp))
                {
                    WriteOne(packets[i++]);
                    continue;
                }
                var segmentSize = headTcp.PayloadLength;
                var payload = segmentSize;
                var headers = _writeStaging.AsSpan(VirtioNetHeader.Size);
                var pieces = 0;
                var j = i + 1;
                while (j < packets.Length && pieces < TapDevice.MaxGatherPieces - 1)
                {
                    var next = packets[j].Data;
                    if (!TcpCoalescer.IsCandidate(next, out var nextTcp) || !TcpCoalescer.CanAppend(head, headTcp, payload, segmentSize, next, nextTcp)) break;
                    if (pieces == 0)
                    {
                        TcpCoalescer.Begin(head, headTcp, headers);
                        AddPiece(ref pieces, _writeStaging, 0, VirtioNetHeader.Size + headTcp.HeadersLength);
                        AddPiece(ref pieces, packets[i].Array, packets[i].Offset + headTcp.HeadersLength, segmentSize);
                    }
                    TcpCoalescer.TakeFlags(headers, headTcp, next, nextTcp);
                    AddPiece(ref pieces, packets[j].Array, packets[j].Offset + nextTcp.HeadersLength, nextTcp.PayloadLength);
                    payload += nextTcp.PayloadLength;
                    j++;
                    if (nextTcp.PayloadLength < segmentSize || TcpCoalescer.EndsGroup(next, nextTcp)) break;
                }
                if (pieces == 0)
                {
                    WriteOne(packets[i++]);
                    continue;
                }
                TcpCoalescer.Finish(headers, headTcp.HeadersLength + payload, headTcp);
                VirtioNetHeader.WriteTcpGso(_writeStaging, headTcp.IsIPv6, headTcp.HeadersLength, segmentSize, headTcp.TcpOffset);
                if (_tap.TryWriteGather(_pieceAddresses.AsSpan(0, pieces), _pieceLengths.AsSpan(0, pieces)))
                {
                    Interlocked.Increment(ref _superFramesWritten);
                    Interlocked.Add(ref _segmentsCoalesced, j - i);
                }
                else
                {
                    Interlocked.Add(ref _writeDrops, j - i);
                }
                i = j;
            }
        }
    }

    /// <summary>Records a piece of a gathered write (the arrays are pinned: packet buffers and the staging buffer).</summary>
    private void AddPiece(ref int pieces, byte[] array, int offset, int length)
    {
        _pieceAddresses[pieces] = Marshal.UnsafeAddrOfPinnedArrayElement(array, offset);
        _pieceLengths[pieces] = length;
        pieces++;
    }
}
