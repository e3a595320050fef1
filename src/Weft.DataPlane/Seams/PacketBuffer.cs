namespace Weft.DataPlane.Seams;

/// <summary>
/// One packet in a preallocated buffer with headroom in front of the data, so that
/// outer headers (Ethernet/IP/UDP/VXLAN, later a seal header) are written in place
/// by moving <see cref="Offset"/> back, never by copying the payload. Buffers are
/// owned by a batch and reused; nothing here allocates after construction.
/// </summary>
public sealed class PacketBuffer
{
    /// <summary>Room in front of a received frame: outer IPv6 (40) + UDP (8) + VXLAN (8) + seal header (24 with VXLAN) and spare; a seal's tag goes after the data.</summary>
    public const int DefaultHeadroom = 128;

    /// <summary>Large enough for a 64 KiB GSO super-packet plus headroom.</summary>
    public const int DefaultCapacity = 65536 + DefaultHeadroom + 64;

    public PacketBuffer(int capacity = DefaultCapacity, int headroom = DefaultHeadroom)
    {
        if (headroom < 0 || headroom >= capacity) throw new ArgumentOutOfRangeException(nameof(headroom));
        // Pinned (pinned object heap), so batched system calls can point iovecs into it without pinning per call.
        Array = GC.AllocateArray<byte>(capacity, pinned: true);
        Headroom = headroom;
        Offset = headroom;
    }

    public byte[] Array { get; }

    /// <summary>Where data starts after <see cref="Reset"/>.</summary>
    public int Headroom { get; }

    public int Offset { get; private set; }

    public int Length { get; private set; }

    /// <summary>The underlay peer this packet came from (receive) or goes to (send).</summary>
    public PeerEndpoint Peer { get; set; }

    /// <summary>VNI of the packet when known (set by the VTEP on decapsulation or by a per-network frame device).</summary>
    public uint Vni { get; set; }

    /// <summary>
    /// Outer UDP source port chosen by the VTEP from a hash of the inner flow (ECMP entropy, RFC 7348 §5);
    /// 0 lets the underlay use its bound port. Underlays that cannot vary the source port per datagram may ignore it.
    /// </summary>
    public ushort SourcePort { get; set; }

    /// <summary>If non-zero, the payload is a GSO super-packet to be split into segments of this size (offload path).</summary>
    public int SegmentSize { get; set; }

    public Span<byte> Data => Array.AsSpan(Offset, Length);

    /// <summary>Everything writable from <see cref="Offset"/> to the end of the buffer (for receive calls).</summary>
    public Span<byte> Writable => Array.AsSpan(Offset);

    /// <summary>Empties the buffer and puts the data start back at the headroom.</summary>
    public void Reset()
    {
        Offset = Headroom;
        Length = 0;
        SegmentSize = 0;
        SourcePort = 0;
        Vni = 0;
        Peer = default;
    }

    /// <summary>Sets the data length (after a read into <see cref="Writable"/>).</summary>
    public void SetLength(int length)
    {
        if ((uint)length > (uint)(Array.Length - Offset)) throw new ArgumentOutOfRangeException(nameof(length));
        Length = length;
    }

    /// <summary>Grows the data at the front by <paramref name="count"/> bytes and returns the new front. False when headroom is exhausted.</summary>
    public bool TryPrepend(int count, out Span<byte> front)
    {
        if (count < 0 || count > Offset)
        {
            front = default;
            return false;
        }
        Offset -= count;
        Length += count;
        front = Array.AsSpan(Offset, count);
        return true;
    }

    /// <summary>Is there room for <paramref name="front"/> bytes before the data and <paramref name="back"/> bytes after it?</summary>
    public bool HasRoom(int front, int back) =>
        front >= 0 && back >= 0 && front <= Offset && back <= Array.Length - Offset - Length;

    /// <summary>Grows the data at the end by <paramref name="count"/> bytes (e.g. an AEAD tag). False when the buffer is full.</summary>
    public bool TryAppend(int count)
    {
        if (count < 0 || count > Array.Length - Offset - Length) return false;
        Length += count;
        return true;
    }

    /// <summary>Drops <paramref name="count"/> bytes from the front (e.g. the outer headers after decapsulation).</summary>
    public bool TryTrimFront(int count)
    {
        if (count < 0 || count > Length) return false;
        Offset += count;
        Length -= count;
        return true;
    }

    /// <summary>Copies a frame in at the headroom (used by fakes and tests).</summary>
    public void Load(ReadOnlySpan<byte> frame)
    {
        Reset();
        frame.CopyTo(Array.AsSpan(Offset));
        Length = frame.Length;
    }
}
