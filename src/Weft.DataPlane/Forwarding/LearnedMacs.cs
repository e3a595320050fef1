using System.Collections.Concurrent;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Forwarding;

/// <summary>
/// MACs behind external VTEPs (not Weft hosts, so not in the store), learned from the source MAC of the frames each sends,
/// per VNI: the userspace VTEP's equivalent of the kernel vxlan device's learning. Bounded: at most <see cref="Capacity"/>
/// per VNI (a sender spraying source MACs fills it and is then refused, counted, never grows it), and an entry not seen for
/// <see cref="MaxAge"/> is forgotten (the kernel's default FDB ageing, 300 s). Refreshing a known entry on the per-packet
/// path is a lookup and one write, no allocation; only a new MAC allocates.
/// </summary>
public sealed class LearnedMacs(Func<long>? clockMilliseconds = null)
{
    public const int Capacity = 4096;
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(300);

    private readonly Func<long> _now = clockMilliseconds ?? (() => Environment.TickCount64);
    private readonly ConcurrentDictionary<uint, ConcurrentDictionary<MacAddress, Entry>> _byVni = new();
    private long _refused;

    /// <summary>New MACs not learned because their VNI's table was full.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Records that <paramref name="mac"/> on <paramref name="vni"/> is behind <paramref name="vtep"/> (kept by address, without
    /// the sender's flow-hashed source port). False when it is new and the VNI's table is full even after dropping aged entries.
    /// </summary>
    public bool Learn(uint vni, MacAddress mac, PeerEndpoint vtep)
    {
        var now = _now();
        var entries = _byVni.GetOrAdd(vni, static _ => new ConcurrentDictionary<MacAddress, Entry>());
        var at = vtep.WithPort(0);
        if (entries.TryGetValue(mac, out var entry))
        {
            entry.Refresh(at, now);
            return true;
        }
        if (entries.Count >= Capacity)
        {
            Expire(entries, now);
            if (entries.Count >= Capacity)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }
        }
        entries.GetOrAdd(mac, _ => new Entry(at, now)).Refresh(at, now);
        return true;
    }

    /// <summary>The VTEP (port 0: the peer's VXLAN port applies) <paramref name="mac"/> was last seen behind, unless aged out.</summary>
    public bool TryGet(uint vni, MacAddress mac, out PeerEndpoint vtep)
    {
        if (_byVni.TryGetValue(vni, out var entries) && entries.TryGetValue(mac, out var entry) && _now() - entry.LastSeen < (long)MaxAge.TotalMilliseconds)
        {
            vtep = entry.Vtep;
            return true;
        }
        vtep = default;
        return false;
    }

    /// <summary>How many MACs <paramref name="vni"/> has learned and not aged out.</summary>
    public int Count(uint vni)
    {
        if (!_byVni.TryGetValue(vni, out var entries)) return 0;
        Expire(entries, _now());
        return entries.Count;
    }

    /// <summary>The live entries of <paramref name="vni"/> (a snapshot, for inspection).</summary>
    public IReadOnlyList<(MacAddress Mac, PeerEndpoint Vtep)> Entries(uint vni)
    {
        if (!_byVni.TryGetValue(vni, out var entries)) return [];
        Expire(entries, _now());
        return entries.Select(kv => (kv.Key, kv.Value.Vtep)).ToList();
    }

    /// <summary>Forgets what was learned behind <paramref name="vtep"/> on <paramref name="vni"/> (it stopped being a peer).</summary>
    public void ForgetPeer(uint vni, PeerEndpoint vtep)
    {
        if (!_byVni.TryGetValue(vni, out var entries)) return;
        foreach (var (mac, entry) in entries)
        {
            if (entry.Vtep.SameAddress(vtep)) entries.TryRemove(mac, out _);
        }
    }

    /// <summary>Forgets everything learned on <paramref name="vni"/>.</summary>
    public void ForgetVni(uint vni) => _byVni.TryRemove(vni, out _);

    private static readonly long MaxAgeMilliseconds = (long)MaxAge.TotalMilliseconds;

    private static void Expire(ConcurrentDictionary<MacAddress, Entry> entries, long now)
    {
        foreach (var (mac, entry) in entries)
        {
            if (now - entry.LastSeen >= MaxAgeMilliseconds) entries.TryRemove(mac, out _);
        }
    }

    private sealed class Entry(PeerEndpoint vtep, long seen)
    {
        private volatile Where _where = new(vtep); // swapped whole when the MAC moves: a read is one reference, no lock
        private long _seen = seen;

        public PeerEndpoint Vtep => _where.Vtep;

        public long LastSeen => Volatile.Read(ref _seen);

        public void Refresh(PeerEndpoint vtep, long now)
        {
            if (!_where.Vtep.Equals(vtep)) _where = new Where(vtep); // the MAC moved behind another external VTEP
            if (now != LastSeen) Volatile.Write(ref _seen, now);
        }
    }

    private sealed record Where(PeerEndpoint Vtep);
}
