using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.DataPlane.Forwarding;
using Weft.DataPlane.Host;
using Weft.DataPlane.Paths;
using Weft.DataPlane.Seams;
using Weft.Linux;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;

namespace Weft.DataPlane.Kernel;

/// <summary>
/// A network on the kernel's vxlan device, the way Docker's overlay driver does it, programmed from the same plan as the
/// userspace VTEP.
///
/// Design note. The device (<see cref="HostNames.KernelVxlan"/>: VNI, dstport = the cluster's VXLAN port, local = the
/// underlay address, nolearning, proxy, udpcsum, the kernel's own per-flow source-port range) is created in the host's
/// namespace, so its UDP socket is bound there, then moved into the network's sandbox and enslaved to the bridge. Remote
/// containers are static state, written with NLM_F_REPLACE and removed when they go: one FDB entry per remote MAC with its
/// host as dst, one all-zeros entry per peer (head-end replication of broadcast and unknown unicast), one permanent
/// neighbour per remote address (proxy ARP answers from it: no ARP crosses the underlay). Nothing the kernel learns is
/// used. The kernel state outlives the agent: a restarted agent finds the device, keeps it when its parameters match
/// (nothing is deleted or re-created, so established flows do not notice) and only writes the entries that differ; a
/// device that does not match (made by someone else, or with other parameters) is replaced and the log says so.
/// Convergence runs on every <see cref="Apply"/> and whenever the sandbox reports a link, neighbour or FDB change
/// (<see cref="RtNetlinkMonitor"/>: event-driven, no polling), so an entry deleted or changed behind the agent's back is
/// back within milliseconds. Admission (only the network's peers may send on its VNI) is not the device's: the kernel
/// accepts any source, so the host's nftables table (<see cref="VxlanAdmission"/>) filters before the device.
/// A network with external VTEPs (not Weft hosts) is the one exception to "nothing learned": the machines behind them are in
/// no store, so the device learns (from admitted senders only, so only from this network's peers; static entries are never
/// moved by learning) and does no proxy ARP (with proxy on, the kernel consumes every ARP the device would send, and the
/// external machines' addresses have no neighbour entry to answer from). Proxy cannot be changed on a live device, so the
/// device is made anew when a network gains its first external peer or loses its last. Learned entries are bounded by
/// <see cref="LearnedMacs.Capacity"/> per network (the oldest beyond it are deleted) and age out after the kernel's 300 s.
/// </summary>
public sealed partial class KernelNetworkPath : INetworkDataPath
{
    private static readonly PhysicalAddress Zero = new(new byte[6]);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(20);
    private readonly string _sandbox;
    private readonly string? _hostNamespace;
    private readonly string _device;
    private readonly int _mtu;
    private readonly VxlanOptions _wanted;
    private readonly Vtep _probes;
    private readonly ProbeOnlyDevice _probeDevice = new();
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _monitor;
    private NetworkPlan? _plan;
    private long _repairs;

    /// <summary>
    /// Adopts or makes the device of <paramref name="vni"/> in <paramref name="sandbox"/> (whose bridge must exist) and starts
    /// watching the sandbox. <paramref name="probes"/> is the host's userspace VTEP, which sends and answers this network's probes.
    /// The device is made in <paramref name="hostNamespace"/>, the namespace of the host's underlay (null: this process's).
    /// </summary>
    public KernelNetworkPath(
        uint vni, int mtu, string sandbox, IPAddress underlay, ushort vxlanPort, Vtep probes, string reason, ILogger? logger = null, string? hostNamespace = null,
        bool externalPeers = false)
    {
        WithExternalPeers = externalPeers;
        _hostNamespace = hostNamespace;
        Vni = vni;
        Reason = reason;
        _sandbox = sandbox;
        _mtu = mtu;
        _device = HostNames.KernelVxlan(vni);
        _wanted = new VxlanOptions(vni, vxlanPort, underlay, Learning: externalPeers, Proxy: !externalPeers, UdpChecksum: true);
        _probes = probes;
        _logger = logger ?? NullLogger.Instance;
        lock (_gate) EnsureDevice();
        _probes.AttachNetwork(vni, _probeDevice);
        _monitor = Task.Run(() => WatchAsync(_stop.Token));
    }

    public uint Vni { get; }

    public DataPathKind Kind => DataPathKind.Kernel;

    /// <summary>Whether the device was made for a network with external VTEPs (learning, no proxy ARP).</summary>
    public bool WithExternalPeers { get; }

    public string Reason { get; }

    public bool Healthy => !_monitor.IsCompleted || _stop.IsCancellationRequested;

    public event Action<uint>? Broke;

    public int MaxProbeLength => _probes.MaxProbeLength;

    /// <summary>Entries (and devices) found changed or missing behind the agent's back and written again.</summary>
    public long Repairs => Interlocked.Read(ref _repairs);

    public void Apply(NetworkPlan plan)
    {
        lock (_gate)
        {
            _plan = plan;
            Converge();
        }
        var table = _probes.Table;
        var wanted = plan.Peers.Select(p => PeerEndpoint.From(new IPEndPoint(p, _wanted.Port))).ToHashSet();
        foreach (var peer in wanted) table.AddPeer(Vni, peer);
        foreach (var peer in table.Peers(Vni).Where(p => !wanted.Contains(p))) table.RemovePeer(Vni, peer);
    }

    /// <summary>The device's counters: received frames came in from the overlay, transmitted ones went out.</summary>
    public NetworkTraffic Traffic()
    {
        try
        {
            using var netlink = RtNetlink.Open(_sandbox);
            var s = netlink.GetStatistics(_device);
            return new NetworkTraffic((long)s.RxPackets, (long)s.RxBytes, (long)s.TxPackets, (long)s.TxBytes, (long)(s.RxDropped + s.TxDropped + s.TxErrors));
        }
        catch (LinuxException)
        {
            return NetworkTraffic.None;
        }
    }

    /// <summary>The kernel's own entries: each remote MAC with its host (FDB) and the address proxy ARP answers for it (neighbours).</summary>
    public IReadOnlyList<RemoteContainer> Forwarding()
    {
        try
        {
            using var netlink = RtNetlink.Open(_sandbox);
            var link = netlink.GetLink(_device);
            var hosts = netlink.ListFdb(_device).Where(e => e.IsSelf && e.Index == link.Index && !e.Mac.Equals(Zero) && e.Destination is not null)
                .GroupBy(e => e.Mac).ToDictionary(g => g.Key, g => g.First().Destination!);
            return netlink.ListNeighbours(_device)
                .Where(n => n.Mac is not null && hosts.ContainsKey(n.Mac) && n.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                .Select(n => new RemoteContainer(Weft.Wire.MacAddress.Read(n.Mac!.GetAddressBytes()), Weft.Wire.IPv4Address.Parse(n.Address.ToString()), hosts[n.Mac!]))
                .ToList();
        }
        catch (LinuxException)
        {
            return [];
        }
    }

    public Task<TimeSpan?> ProbeAsync(IPAddress peer, int frameLength, TimeSpan timeout, CancellationToken cancellationToken) =>
        _probes.ProbeAsync(Vni, PeerEndpoint.From(new IPEndPoint(peer, _wanted.Port)), frameLength, timeout, cancellationToken);

    /// <summary>Stops managing the network and deletes its device (the network left this host).</summary>
    public void Remove()
    {
        Dispose();
        lock (_gate)
        {
            if (!NetworkNamespace.Exists(_sandbox)) return;
            using var netlink = RtNetlink.Open(_sandbox);
            if (netlink.FindLink(_device) is not null) netlink.DeleteLink(_device);
        }
    }

    /// <summary>Stops watching; the device and its entries stay in the kernel and keep carrying traffic.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        try
        {
            _monitor.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // its failure was logged where it happened
        }
        _probes.DetachNetwork(Vni);
        _probes.Table.RemoveVni(Vni);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var monitor = RtNetlinkMonitor.Open(_sandbox);
            lock (_gate) Converge(); // whatever changed before the monitor listened
            while (!cancellationToken.IsCancellationRequested)
            {
                await monitor.WaitForChangeAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(Debounce, cancellationToken).ConfigureAwait(false); // one pass for a burst of changes
                try
                {
                    lock (_gate) Converge();
                }
                catch (LinuxException e) when (!NetworkNamespace.Exists(_sandbox))
                {
                    LogSandboxGone(_logger, Vni, e.Message);
                    return;
                }
                catch (LinuxException e)
                {
                    LogRepairFailed(_logger, Vni, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogWatchFailed(_logger, Vni, e);
            _ = Task.Run(() => Broke?.Invoke(Vni)); // once this task has completed, so Healthy is false when the owner looks
        }
    }

    /// <summary>Makes the device right: adopted when it matches, replaced when it does not, made when it is missing; then MTU, bridge, up.</summary>
    private void EnsureDevice()
    {
        using var sandbox = RtNetlink.Open(_sandbox);
        if (sandbox.FindLink(HostNames.Tap) is not null) sandbox.DeleteLink(HostNames.Tap); // this network was on the userspace path before
        var existing = sandbox.FindLink(_device);
        if (existing is not null)
        {
            var found = sandbox.GetVxlan(_device);
            var socketHere = found is not null && SocketInHostNamespace(sandbox);
            if (found is not null && Matches(found) && socketHere)
            {
                LogAdopted(_logger, Vni, _device, _sandbox);
            }
            else
            {
                var what = found is null ? $"a {existing.Kind ?? "link"} device" : Describe(found);
                if (found is not null && !socketHere) what += ", with its UDP socket outside this host's namespace (made anew since?)";
                LogReplaced(_logger, Vni, _device, _sandbox, what, Describe(_wanted));
                sandbox.DeleteLink(_device);
                existing = null;
            }
        }
        if (existing is null)
        {
            using (var host = RtNetlink.Open(_hostNamespace))
            {
                if (host.FindLink(_device) is not null) host.DeleteLink(_device); // half-made before a crash
                host.CreateVxlan(_device, _wanted);
                try
                {
                    host.SetMtu(_device, _mtu);
                    host.MoveToNamespace(_device, _sandbox);
                }
                catch
                {
                    if (host.FindLink(_device) is not null) host.DeleteLink(_device);
                    throw;
                }
            }
            LogCreated(_logger, Vni, _device, _sandbox, Describe(_wanted));
        }
        var link = sandbox.GetLink(_device);
        if (link.Mtu != _mtu) sandbox.SetMtu(_device, _mtu);
        var bridge = sandbox.GetLink(HostNames.Bridge);
        if (link.MasterIndex != bridge.Index) sandbox.SetMaster(_device, HostNames.Bridge);
        if (!link.IsAdminUp) sandbox.SetUp(_device);
    }

    /// <summary>
    /// Whether the device's underlay side (its UDP socket) is in the host's namespace, where Weft makes it: a device made in
    /// the sandbox itself, or in a host namespace that has since been deleted and made anew, carries nothing.
    /// </summary>
    private bool SocketInHostNamespace(RtNetlink sandbox)
    {
        if (sandbox.LinkNamespaceId(_device) is not { } linked) return false;
        using var host = _hostNamespace is null ? NetworkNamespace.OpenOwn() : NetworkNamespace.Open(_hostNamespace);
        return sandbox.NamespaceId(host) is var id && id >= 0 && id == linked;
    }

    private bool Matches(VxlanOptions found) =>
        found.Vni == _wanted.Vni && found.Port == _wanted.Port && Equals(found.Local, _wanted.Local) && found.Learning == _wanted.Learning
        && found.Proxy == _wanted.Proxy && found.UdpChecksum == _wanted.UdpChecksum;

    private static string Describe(VxlanOptions o) =>
        $"vxlan id {o.Vni} dstport {o.Port} local {o.Local?.ToString() ?? "any"}{(o.Learning ? " learning" : " nolearning")}{(o.Proxy ? " proxy" : "")}{(o.UdpChecksum ? " udpcsum" : " noudpcsum")}";

    /// <summary>
    /// Writes what differs between the kernel's entries and the plan (caller holds the gate). Entries written after the
    /// plan was first applied are repairs of changes made behind the agent's back, and logged as such.
    /// </summary>
    private void Converge()
    {
        if (!NetworkNamespace.Exists(_sandbox)) return;
        using var sandbox = RtNetlink.Open(_sandbox);
        var link = sandbox.FindLink(_device);
        if (link is null || link.Kind != "vxlan" || link.MasterIndex == 0 || !link.IsAdminUp || link.Mtu != _mtu)
        {
            if (link is not null && _plan is not null) Interlocked.Increment(ref _repairs);
            EnsureDevice();
            link = sandbox.GetLink(_device);
        }
        if (_plan is not { } plan) return;

        var all = sandbox.ListFdb(_device).Where(e => e.IsSelf && e.Index == link.Index).ToList();
        var fdb = all.Where(e => !e.IsLearned).ToList();
        var written = 0;
        // Remote containers: MAC -> their host.
        var wantedMacs = plan.Remotes.ToDictionary(r => Physical(r.Mac), r => r.Host);
        var haveMacs = fdb.Where(e => !e.Mac.Equals(Zero) && e.Destination is not null).GroupBy(e => e.Mac).ToDictionary(g => g.Key, g => g.Select(e => e.Destination!).ToList());
        foreach (var (mac, host) in wantedMacs)
        {
            if (haveMacs.TryGetValue(mac, out var dsts) && dsts.Count == 1 && dsts[0].Equals(host)) continue;
            sandbox.ReplaceFdb(_device, mac, FdbTarget.Self, host);
            written++;
        }
        foreach (var (mac, dsts) in haveMacs.Where(h => !wantedMacs.ContainsKey(h.Key)))
        {
            foreach (var dst in dsts) DeleteQuietly(() => sandbox.DeleteFdb(_device, mac, FdbTarget.Self, dst));
            written++;
        }
        // Flooding: one all-zeros entry per peer.
        var havePeers = fdb.Where(e => e.Mac.Equals(Zero) && e.Destination is not null).Select(e => e.Destination!).ToHashSet();
        var peers = plan.AllPeers;
        foreach (var peer in peers.Where(p => !havePeers.Contains(p)))
        {
            sandbox.AppendFdb(_device, Zero, peer);
            written++;
        }
        foreach (var stale in havePeers.Where(p => !peers.Contains(p)))
        {
            DeleteQuietly(() => sandbox.DeleteFdb(_device, Zero, FdbTarget.Self, stale));
            written++;
        }
        // Proxy ARP: a permanent neighbour per remote address.
        var neighbours = sandbox.ListNeighbours(_device).Where(n => n.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).ToList();
        var wantedIps = plan.Remotes.ToDictionary(r => r.Address.ToIPAddress(), r => Physical(r.Mac));
        foreach (var (ip, mac) in wantedIps)
        {
            var have = neighbours.FirstOrDefault(n => n.Address.Equals(ip));
            if (have is not null && mac.Equals(have.Mac) && have.IsPermanent) continue;
            sandbox.ReplaceNeighbour(_device, ip, mac);
            written++;
        }
        foreach (var stale in neighbours.Where(n => !wantedIps.ContainsKey(n.Address)))
        {
            DeleteQuietly(() => sandbox.DeleteNeighbour(_device, stale.Address));
            written++;
        }
        TrimLearned(sandbox, all.Where(e => e.IsLearned).ToList());
        // Writes against a plan the kernel already matched: someone else changed the kernel.
        var repaired = written > 0 && ReferenceEquals(plan, _converged);
        _converged = plan;
        if (!repaired) return;
        Interlocked.Add(ref _repairs, written);
        LogRepaired(_logger, Vni, written, _device);
    }

    private NetworkPlan? _converged;

    /// <summary>Keeps the learned entries within <see cref="LearnedMacs.Capacity"/>: the least recently confirmed beyond it go.</summary>
    private void TrimLearned(RtNetlink sandbox, List<FdbEntry> learned)
    {
        _learned = learned.Count;
        if (learned.Count <= LearnedMacs.Capacity) return;
        foreach (var e in learned.OrderByDescending(e => e.UpdatedAgo ?? TimeSpan.MaxValue).Take(learned.Count - LearnedMacs.Capacity))
        {
            DeleteQuietly(() => sandbox.DeleteFdb(_device, e.Mac, FdbTarget.Self, e.Destination));
            _learned--;
            Interlocked.Increment(ref _learnedTrimmed);
        }
    }

    private int _learned;
    private long _learnedTrimmed;

    /// <summary>MACs the device learned behind external VTEPs, as of the last convergence (0 without external peers).</summary>
    public int LearnedMacCount() => Volatile.Read(ref _learned);

    private static PhysicalAddress Physical(Weft.Wire.MacAddress mac)
    {
        var bytes = new byte[6];
        mac.Write(bytes);
        return new PhysicalAddress(bytes);
    }

    /// <summary>A delete that finds the entry already gone (removed meanwhile) is what was wanted.</summary>
    private static void DeleteQuietly(Action delete)
    {
        try
        {
            delete();
        }
        catch (LinuxException e) when (e.ErrorNumber == Errno.ENOENT)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "network VNI {Vni}: kernel path, adopted {Device} in {Sandbox} as found (entries are checked, nothing re-created)")]
    private static partial void LogAdopted(ILogger logger, uint vni, string device, string sandbox);

    [LoggerMessage(Level = LogLevel.Information, Message = "network VNI {Vni}: kernel path, {Device} made in {Sandbox}: {Parameters}")]
    private static partial void LogCreated(ILogger logger, uint vni, string device, string sandbox, string parameters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "network VNI {Vni}: {Device} in {Sandbox} was not Weft's ({Found}); replaced with {Wanted}")]
    private static partial void LogReplaced(ILogger logger, uint vni, string device, string sandbox, string found, string wanted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "network VNI {Vni}: {Count} FDB/neighbour entries of {Device} were changed or deleted behind Weft's back; written again")]
    private static partial void LogRepaired(ILogger logger, uint vni, int count, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "network VNI {Vni}: repairing the kernel path failed; retried at the next change or reconcile pass")]
    private static partial void LogRepairFailed(ILogger logger, uint vni, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "network VNI {Vni}: sandbox gone, stopped watching it ({Reason})")]
    private static partial void LogSandboxGone(ILogger logger, uint vni, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "network VNI {Vni}: watching the kernel path stopped; the next reconcile pass rebuilds it")]
    private static partial void LogWatchFailed(ILogger logger, uint vni, Exception exception);
}
