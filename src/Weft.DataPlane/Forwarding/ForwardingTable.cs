using System.Collections.Concurrent;
using System.Collections.Immutable;
using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Forwarding;

/// <summary>
/// The VTEP's forwarding state, per VNI: remote MAC → owning VTEP, remote IPv4 → MAC (for local ARP answers),
/// and the set of peer VTEPs (for broadcast replication and admission). Written by the reconciler, read by the
/// data path: lookups are lock-free and allocation-free (ConcurrentDictionary with struct keys); the peer list is
/// an immutable array swapped on change, so flooding iterates a stable snapshot. Some peers may be external VTEPs (not Weft
/// hosts): they are peers like the others, and the MACs behind them are learned from their frames (<see cref="Learned"/>)
/// instead of being written here.
/// </summary>
public sealed class ForwardingTable
{
    private readonly ConcurrentDictionary<(uint Vni, MacAddress Mac), RemoteEndpoint> _byMac = new();
    private readonly ConcurrentDictionary<(uint Vni, IPv4Address Ip), MacAddress> _byIp = new();
    private readonly ConcurrentDictionary<uint, ImmutableArray<PeerEndpoint>> _peers = new();
    private readonly ConcurrentDictionary<(uint Vni, PeerEndpoint Address), byte> _peerAddresses = new();
    private readonly ConcurrentDictionary<uint, ImmutableArray<PeerEndpoint>> _external = new();
    private readonly object _writeLock = new();

    public ForwardingTable(LearnedMacs? learned = null) => Learned = learned ?? new LearnedMacs();

    /// <summary>MACs learned behind external peers.</summary>
    public LearnedMacs Learned { get; }

    /// <summary>Adds or replaces the entry for <paramref name="mac"/> on <paramref name="vni"/>; its VTEP becomes a peer of the VNI.</summary>
    public void SetEndpoint(uint vni, MacAddress mac, IPv4Address ip, PeerEndpoint vtep)
    {
        lock (_writeLock)
        {
            if (_byMac.TryGetValue((vni, mac), out var old) && old.Ip != ip) _byIp.TryRemove((vni, old.Ip), out _);
            if (_byIp.TryGetValue((vni, ip), out var otherMac) && otherMac != mac) _byMac.TryRemove((vni, otherMac), out _);
            _byMac[(vni, mac)] = new RemoteEndpoint(mac, ip, vtep);
            _byIp[(vni, ip)] = mac;
            AddPeerLocked(vni, vtep);
        }
    }

    /// <summary>Removes the entry for <paramref name="mac"/>; false when there was none. Peers stay until removed.</summary>
    public bool RemoveEndpoint(uint vni, MacAddress mac)
    {
        lock (_writeLock)
        {
            if (!_byMac.TryRemove((vni, mac), out var old)) return false;
            _byIp.TryRemove(new KeyValuePair<(uint, IPv4Address), MacAddress>((vni, old.Ip), mac));
            return true;
        }
    }

    /// <summary>The VTEP owning <paramref name="mac"/>: a container's host from the store, else an external peer it was learned behind.</summary>
    public bool TryGetVtep(uint vni, MacAddress mac, out PeerEndpoint vtep)
    {
        if (_byMac.TryGetValue((vni, mac), out var entry))
        {
            vtep = entry.Vtep;
            return true;
        }
        return Learned.TryGet(vni, mac, out vtep);
    }

    /// <summary>Whether <paramref name="mac"/> is a container known from the store (never learned over, whoever claims it).</summary>
    public bool IsKnown(uint vni, MacAddress mac) => _byMac.ContainsKey((vni, mac));

    /// <summary>
    /// Makes <paramref name="peers"/> the external VTEPs of <paramref name="vni"/>: each becomes a peer (flooding, admission) whose
    /// frames teach MACs; an external peer left out stops being a peer and what was learned behind it is forgotten.
    /// </summary>
    public void SetExternalPeers(uint vni, IReadOnlyCollection<PeerEndpoint> peers)
    {
        lock (_writeLock)
        {
            foreach (var gone in ExternalPeers(vni).Where(p => !peers.Any(w => w.SameAddress(p))))
                RemovePeer(vni, gone);
            foreach (var peer in peers) AddPeerLocked(vni, peer);
            if (peers.Count == 0) _external.TryRemove(vni, out _);
            else _external[vni] = [.. peers];
        }
    }

    /// <summary>The external VTEPs of <paramref name="vni"/> (a stable snapshot; empty for most networks).</summary>
    public ImmutableArray<PeerEndpoint> ExternalPeers(uint vni) => _external.TryGetValue(vni, out var peers) ? peers : ImmutableArray<PeerEndpoint>.Empty;

    /// <summary>Whether <paramref name="source"/> (any port) is an external VTEP of <paramref name="vni"/>.</summary>
    public bool IsExternalPeer(uint vni, PeerEndpoint source)
    {
        if (!_external.TryGetValue(vni, out var peers)) return false;
        foreach (var peer in peers)
        {
            if (peer.SameAddress(source)) return true;
        }
        return false;
    }

    public bool TryResolve(uint vni, IPv4Address ip, out MacAddress mac) => _byIp.TryGetValue((vni, ip), out mac);

    public void AddPeer(uint vni, PeerEndpoint vtep)
    {
        lock (_writeLock) AddPeerLocked(vni, vtep);
    }

    /// <summary>Removes a peer and every endpoint behind it on that VNI.</summary>
    public bool RemovePeer(uint vni, PeerEndpoint vtep)
    {
        lock (_writeLock)
        {
            if (!_peerAddresses.TryRemove((vni, vtep.WithPort(0)), out _)) return false;
            _peers[vni] = Peers(vni).RemoveAll(p => p.SameAddress(vtep));
            if (_external.TryGetValue(vni, out var external)) _external[vni] = external.RemoveAll(p => p.SameAddress(vtep));
            Learned.ForgetPeer(vni, vtep);
            foreach (var (key, _) in _byMac.Where(kv => kv.Key.Vni == vni && kv.Value.Vtep.SameAddress(vtep)).ToList())
            {
                RemoveEndpoint(vni, key.Mac);
            }
            return true;
        }
    }

    /// <summary>Forgets everything about <paramref name="vni"/> (the host left that network).</summary>
    public void RemoveVni(uint vni)
    {
        lock (_writeLock)
        {
            foreach (var key in _byMac.Keys.Where(k => k.Vni == vni).ToList()) _byMac.TryRemove(key, out _);
            foreach (var key in _byIp.Keys.Where(k => k.Vni == vni).ToList()) _byIp.TryRemove(key, out _);
            foreach (var key in _peerAddresses.Keys.Where(k => k.Vni == vni).ToList()) _peerAddresses.TryRemove(key, out _);
            _peers.TryRemove(vni, out _);
            _external.TryRemove(vni, out _);
            Learned.ForgetVni(vni);
        }
    }

    /// <summary>The peers of <paramref name="vni"/> (a stable snapshot).</summary>
    public ImmutableArray<PeerEndpoint> Peers(uint vni) => _peers.TryGetValue(vni, out var peers) ? peers : ImmutableArray<PeerEndpoint>.Empty;

    /// <summary>Admission: does <paramref name="source"/> (any port) belong to a peer of <paramref name="vni"/>?</summary>
    public bool IsPeer(uint vni, PeerEndpoint source) => _peerAddresses.ContainsKey((vni, source.WithPort(0)));

    /// <summary>The remote endpoints known on <paramref name="vni"/> (a snapshot, for inspection and tests).</summary>
    public IReadOnlyList<RemoteEndpoint> Endpoints(uint vni) =>
        _byMac.Where(kv => kv.Key.Vni == vni).Select(kv => kv.Value).OrderBy(e => e.Ip.Value).ToList();

    private void AddPeerLocked(uint vni, PeerEndpoint vtep)
    {
        if (_peerAddresses.TryAdd((vni, vtep.WithPort(0)), 0)) _peers[vni] = Peers(vni).Add(vtep);
    }
}
