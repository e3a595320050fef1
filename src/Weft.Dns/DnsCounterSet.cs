namespace Weft.Dns;

/// <summary>The live, thread-safe counters behind <see cref="DnsServerCounters"/>.</summary>
internal sealed class DnsCounterSet
{
    private long _queries, _local, _forwarded, _servFail, _malformed, _notImplemented;

    public void Query() => Interlocked.Increment(ref _queries);
    public void AnsweredLocally() => Interlocked.Increment(ref _local);
    public void Forwarded() => Interlocked.Increment(ref _forwarded);
    public void ServFail() => Interlocked.Increment(ref _servFail);
    public void Malformed() => Interlocked.Increment(ref _malformed);
    public void NotImplemented() => Interlocked.Increment(ref _notImplemented);

    public DnsServerCounters Snapshot() => new(
        Interlocked.Read(ref _queries),
        Interlocked.Read(ref _local),
        Interlocked.Read(ref _forwarded),
        Interlocked.Read(ref _servFail),
        Interlocked.Read(ref _malformed),
        Interlocked.Read(ref _notImplemented));
}
