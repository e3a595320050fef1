using Weft.DataPlane.Seams;
using Weft.Linux.Tap;

namespace Weft.DataPlane.Devices;

/// <summary>
/// <see cref="IFrameDevice"/> over a Linux TAP. A read drains every frame that is ready (non-blocking
/// reads until EAGAIN or the batch is full) and blocks in poll only when none is. With a virtio
/// header the header is consumed: a partial checksum of an ordinary frame is completed, a GSO
/// super-frame is passed on with <see cref="PacketBuffer.SegmentSize"/> set; the header is read into the
/// headroom so frames start at the headroom either way. On write a zero header
/// (no offload) is prepended in the packet's headroom. Frames that cannot be written are dropped and counted.
/// When the TAP was opened with TSO offloads (<see cref="Segmenting"/>), the offload path of TapFrameDevice.Offload.cs
/// takes over, in the manner of wireguard-go's tun offload: GSO super-frames are split into ordinary frames on read and
/// consecutive TCP segments of a flow are coalesced into GSO super-frames on write, so the VTEP only ever sees
/// ordinary frames and the kernel sees few large ones.
/// </summary>
public sealed partial class TapFrameDevice : IFrameDevice
{
    private readonly TapDevice _tap;
    private readonly bool _ownsTap;
    private long _readDrops;
    private long _writeDrops;

    /// <summary>The last read found the TAP empty: the next Read waits in poll first instead of paying for another empty read.</summary>
    private bool _drained;

    public TapFrameDevice(TapDevice tap, bool ownsTap = true)
    {
        _tap = tap;
        _ownsTap = ownsTap;
        Segmenting = tap.HasVnetHeader && (tap.Offloads & (TapOffloads.Tso4 | TapOffloads.Tso6)) != 0;
    }

    public TapDevice Tap => _tap;

    /// <summary>Frames read but dropped (bad virtio header).</summary>
    public long ReadDrops => Interlocked.Read(ref _readDrops);

    /// <summary>Frames the kernel refused or that had no headroom for the virtio header.</summary>
    public long WriteDrops => Interlocked.Read(ref _writeDrops);

    public int Read(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        if (packets.IsEmpty) return 0;
        if (Segmenting) return ReadSegmenting(packets, cancellationToken);
        if (!WaitIfDrained(cancellationToken)) return 0;
        while (true)
        {
            var count = 0;
            while (count < packets.Length)
            {
                var packet = packets[count];
                packet.Reset();
                // The virtio header is read into the headroom so the frame itself starts at the headroom.
                if (_tap.HasVnetHeader) packet.TryPrepend(VirtioNetHeader.Size, out _);
                var length = _tap.TryRead(packet.Writable);
                if (length < 0) return count;
                if (length == 0)
                {
                    _drained = true;
                    break;
                }
                packet.SetLength(length);
                if (_tap.HasVnetHeader)
                {
                    if (!VirtioNetHeader.TryConsume(packet.Data, out var segmentSize) || !packet.TryTrimFront(VirtioNetHeader.Size))
                    {
                        Interlocked.Increment(ref _readDrops);
                        continue;
                    }
                    packet.SegmentSize = segmentSize;
                }
                count++;
            }
            if (count > 0) return count;
            _drained = false;
            if (!_tap.WaitReadable(cancellationToken)) return 0;
        }
    }

    /// <summary>Waits for the TAP when the previous read drained it (saves an empty read per wake-up). False when cancelled or closed.</summary>
    private bool WaitIfDrained(CancellationToken cancellationToken)
    {
        if (!_drained) return true;
        _drained = false;
        return _tap.WaitReadable(cancellationToken);
    }

    public void Write(ReadOnlySpan<PacketBuffer> packets)
    {
        if (Segmenting)
        {
            WriteCoalescing(packets);
            return;
        }
        foreach (var packet in packets) WriteOne(packet);
    }

    /// <summary>Writes one frame as is (behind a zero virtio header when the TAP has one).</summary>
    private void WriteOne(PacketBuffer packet)
    {
        {
            bool written;
            if (_tap.HasVnetHeader)
            {
                if (!packet.TryPrepend(VirtioNetHeader.Size, out var header))
                {
                    Interlocked.Increment(ref _writeDrops);
                    return;
                }
                header.Clear();
                written = _tap.TryWrite(packet.Data);
                packet.TryTrimFront(VirtioNetHeader.Size);
            }
            else
            {
                written = _tap.TryWrite(packet.Data);
            }
            if (!written) Interlocked.Increment(ref _writeDrops);
        }
    }

    public void Dispose()
    {
        if (_ownsTap) _tap.Dispose();
    }
}
