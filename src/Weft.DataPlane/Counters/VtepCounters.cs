namespace Weft.DataPlane.Counters;

/// <summary>
/// Lock-free packet counters of one VTEP: traffic in each direction and drops by reason.
/// Updated with <see cref="Interlocked"/> on the data path (no allocation); read as a <see cref="Snapshot"/>.
/// </summary>
public sealed class VtepCounters
{
    private static readonly DropReason[] Reasons = Enum.GetValues<DropReason>();
    private readonly long[] _drops = new long[Reasons.Length];
    private long _encapsulated;
    private long _decapsulated;
    private long _arpAnswered;
    private long _flooded;
    private long _sealed;
    private long _opened;

    public void Drop(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    public void Encapsulated(int count = 1) => Interlocked.Add(ref _encapsulated, count);

    public void Decapsulated(int count = 1) => Interlocked.Add(ref _decapsulated, count);

    public void ArpAnswered() => Interlocked.Increment(ref _arpAnswered);

    public void Flooded(int copies) => Interlocked.Add(ref _flooded, copies);

    /// <summary>A datagram of an encrypted network was sealed (once per datagram, however many peers a flood reaches).</summary>
    public void Sealed() => Interlocked.Increment(ref _sealed);

    /// <summary>A sealed datagram authenticated and was opened.</summary>
    public void Opened() => Interlocked.Increment(ref _opened);

    public long this[DropReason reason] => Interlocked.Read(ref _drops[(int)reason]);

    public VtepCountersSnapshot Snapshot()
    {
        var drops = new Dictionary<DropReason, long>(Reasons.Length);
        foreach (var reason in Reasons) drops[reason] = this[reason];
        return new VtepCountersSnapshot(
            Interlocked.Read(ref _encapsulated), Interlocked.Read(ref _decapsulated),
            Interlocked.Read(ref _arpAnswered), Interlocked.Read(ref _flooded), drops)
        {
            Sealed = Interlocked.Read(ref _sealed),
            Opened = Interlocked.Read(ref _opened),
        };
    }
}

/// <summary>A point-in-time copy of <see cref="VtepCounters"/>.</summary>
public sealed record VtepCountersSnapshot(
    long Encapsulated, long Decapsulated, long ArpAnswered, long FloodedCopies, IReadOnlyDictionary<DropReason, long> Drops)
{
    /// <summary>Datagrams sealed for encrypted networks.</summary>
    public long Sealed { get; init; }

    /// <summary>Sealed datagrams that authenticated and were opened.</summary>
    public long Opened { get; init; }

    public long TotalDrops => Drops.Values.Sum();
}
