namespace Weft.DataPlane.Sealing;

/// <summary>
/// Anti-replay sliding window over one sender's 64-bit counters (RFC 6479: a ring of 64-bit blocks, advanced by clearing
/// whole blocks, so moving forward costs no bit shifting; the same scheme as WireGuard's replay filter). Accepts each
/// counter at most once; counters more than <see cref="Size"/> behind the highest seen are refused as too old.
/// The receiver checks <see cref="IsFresh"/> before spending an AEAD open and commits with <see cref="TryAccept"/> only
/// after authentication, so forged datagrams never move the window. A lock keeps it correct if several threads receive.
/// </summary>
public sealed class ReplayWindow
{
    private const int BlockBitLog = 6;
    private const int BlockBits = 1 << BlockBitLog;
    private const int RingBlocks = 32;
    private const ulong BitMask = BlockBits - 1;

    /// <summary>How far behind the highest accepted counter a counter may be and still be accepted once (1984).</summary>
    public const ulong Size = (RingBlocks - 1) * BlockBits;

    private readonly ulong[] _ring = new ulong[RingBlocks];
    private readonly Lock _lock = new();
    private ulong _last;

    /// <summary>The highest counter accepted so far (0 before any).</summary>
    public ulong Highest
    {
        get
        {
            lock (_lock) return _last;
        }
    }

    /// <summary>Would <paramref name="counter"/> be accepted? Changes nothing.</summary>
    public bool IsFresh(ulong counter)
    {
        lock (_lock)
        {
            if (counter > _last) return true;
            if (_last - counter > Size) return false;
            return (_ring[(int)((counter >> BlockBitLog) % RingBlocks)] & (1UL << (int)(counter & BitMask))) == 0;
        }
    }

    /// <summary>Marks <paramref name="counter"/> as seen; false when it was seen before or is too old.</summary>
    public bool TryAccept(ulong counter)
    {
        lock (_lock)
        {
            var block = counter >> BlockBitLog;
            if (counter > _last)
            {
                var current = _last >> BlockBitLog;
                var advance = Math.Min(block - current, RingBlocks);
                for (ulong i = 1; i <= advance; i++) _ring[(int)((current + i) % RingBlocks)] = 0;
                _last = counter;
            }
            else if (_last - counter > Size)
            {
                return false;
            }
            ref var slot = ref _ring[(int)(block % RingBlocks)];
            var bit = 1UL << (int)(counter & BitMask);
            if ((slot & bit) != 0) return false;
            slot |= bit;
            return true;
        }
    }
}
