using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.DataPlane.Host;
using Weft.DataPlane.Kernel;
using Weft.DataPlane.Userspace;

namespace Weft.DataPlane.Paths;

/// <summary>
/// This host's per-network data paths: for each network the reconciler wants here, the path <see cref="DataPathSelection"/>
/// chooses, made when missing, rebuilt when it broke, given the network's plan on every pass, and removed when the
/// network leaves. Also keeps the host's admission table (<see cref="VxlanAdmission"/>) in step when the kernel path is in
/// use: the peers of every kernel network, and everything else on the VXLAN port steered to the userspace VTEP's socket.
/// The only place that knows both kinds exist; the agent talks to <see cref="INetworkDataPath"/>.
/// </summary>
public sealed partial class NetworkDataPaths : IDisposable
{
    private readonly ConcurrentDictionary<uint, INetworkDataPath> _paths = new();
    private readonly ConcurrentDictionary<uint, NetworkPlan> _plans = new();
    private readonly HostDataPath _host;
    private readonly Vtep _vtep;
    private readonly TapFactory _taps;
    private readonly IPAddress _underlay;
    private readonly ushort _vxlanPort;
    private readonly VxlanAdmission? _admission;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    public NetworkDataPaths(
        DataPathSelection selection, HostDataPath host, Vtep vtep, TapFactory taps, IPAddress underlay, ushort vxlanPort,
        VxlanAdmission? admission, ILoggerFactory? loggers = null)
    {
        Selection = selection;
        _host = host;
        _vtep = vtep;
        _taps = taps;
        _underlay = underlay;
        _vxlanPort = vxlanPort;
        _admission = admission;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<NetworkDataPaths>();
    }

    public DataPathSelection Selection { get; }

    /// <summary>The host's userspace VTEP (encrypted networks, probes, and every network when the kernel path is off).</summary>
    public Vtep Vtep => _vtep;

    public TapFactory Taps => _taps;

    /// <summary>The cluster's VXLAN port (what peers send to).</summary>
    public ushort VxlanPort => _vxlanPort;

    /// <summary>Every network's path on this host, by VNI.</summary>
    public IReadOnlyList<INetworkDataPath> All => _paths.Values.OrderBy(p => p.Vni).ToList();

    public bool TryGet(uint vni, out INetworkDataPath path) => _paths.TryGetValue(vni, out path!);

    /// <summary>
    /// Makes sure network <paramref name="plan"/>'s path exists (its sandbox must) and converges it to the plan. A path of
    /// the wrong kind or one that broke is replaced, and the log says why.
    /// </summary>
    public void Ensure(NetworkPlan plan)
    {
        lock (_gate)
        {
            var (kind, reason) = Selection.Choose(plan.Encrypted);
            var external = plan.ExternalPeers.Count > 0;
            if (_paths.TryGetValue(plan.Vni, out var path) && (path.Kind != kind || !path.Healthy || path is KernelNetworkPath { } kernelPath && kernelPath.WithExternalPeers != external))
            {
                var why = !path.Healthy ? "it broke"
                    : path.Kind != kind ? $"the network now takes the {kind.ToString().ToLowerInvariant()} path"
                    : external ? "the network gained external peers (its device must learn and not proxy ARP, which a live vxlan device cannot change)"
                    : "the network lost its last external peer (its device goes back to proxy ARP without learning)";
                LogReplacing(_logger, plan.Vni, path.Kind.ToString().ToLowerInvariant(), why);
                path.Broke -= OnBroke;
                if (path.Kind != kind || path.Healthy) path.Remove();
                else path.Dispose();
                _paths.TryRemove(plan.Vni, out _);
                path = null;
            }
            if (path is null)
            {
                var sandbox = _host.Names.Sandbox(plan.Vni);
                path = kind == DataPathKind.Kernel
                    ? new KernelNetworkPath(plan.Vni, plan.Mtu, sandbox, _underlay, _vxlanPort, _vtep, reason, _loggers.CreateLogger<KernelNetworkPath>(), externalPeers: external)
                    : new UserspaceNetworkPath(plan.Vni, plan.Mtu, sandbox, _vtep, _taps, _vxlanPort, reason, _loggers.CreateLogger<UserspaceNetworkPath>());
                _paths[plan.Vni] = path;
                path.Broke += OnBroke;
                if (path.Kind == DataPathKind.Userspace) RemoveKernelLeftover(plan.Vni, sandbox);
            }
            path.Apply(plan);
            _plans[plan.Vni] = plan;
        }
    }

    /// <summary>A network that moved from the kernel path to the userspace one (the agent's mode changed) leaves a vxlan device behind.</summary>
    private static void RemoveKernelLeftover(uint vni, string sandbox)
    {
        using var netlink = Weft.Linux.Netlink.RtNetlink.Open(sandbox);
        if (netlink.FindLink(HostNames.KernelVxlan(vni)) is not null) netlink.DeleteLink(HostNames.KernelVxlan(vni));
    }

    /// <summary>
    /// Gives encrypted network <paramref name="vni"/> its key ring. Encrypted networks always run on the userspace VTEP (the
    /// kernel here has no ESP or WireGuard), which seals and opens with it; replaces the ring of a gone network that had the VNI.
    /// </summary>
    public void SetEncryption(uint vni, Sealing.KeyRing ring) => _vtep.SetEncryption(vni, ring);

    /// <summary>Takes <paramref name="ring"/> off <paramref name="vni"/>, only if that VNI still holds this ring (not a newer network's).</summary>
    public void ClearEncryption(uint vni, Sealing.KeyRing ring) => _vtep.ClearEncryption(vni, ring);

    /// <summary>
    /// Raised (with the VNI) when a network's path broke on its own, e.g. its TAP reader failed: the owner should run a pass
    /// (<see cref="Ensure"/> rebuilds it) now rather than at its next resync.
    /// </summary>
    public event Action<uint>? PathBroke;

    private void OnBroke(uint vni)
    {
        Interlocked.Increment(ref _rebuildsWanted);
        PathBroke?.Invoke(vni);
    }

    private long _rebuildsWanted;

    /// <summary>How many times a network's path broke on its own since start (each is rebuilt).</summary>
    public long PathFailures => Interlocked.Read(ref _rebuildsWanted);

    /// <summary>Removes the paths of every network not in <paramref name="vnis"/> (they left this host).</summary>
    public void Retain(IReadOnlySet<uint> vnis)
    {
        lock (_gate)
        {
            foreach (var (vni, path) in _paths.Where(p => !vnis.Contains(p.Key)).ToList())
            {
                path.Broke -= OnBroke;
                path.Remove();
                _paths.TryRemove(vni, out _);
                _plans.TryRemove(vni, out _);
            }
        }
    }

    /// <summary>
    /// Writes the admission table for the kernel networks and their peers (a no-op when nothing changed); without the
    /// kernel path, removes a table left by an earlier run in kernel mode, which would steer VXLAN away from the VTEP.
    /// </summary>
    public void ApplyAdmission()
    {
        if (_admission is null) return;
        lock (_gate)
        {
            if (!Selection.UsesKernel)
            {
                _admission.Remove();
                return;
            }
            var kernel = _paths.Values.Where(p => p.Kind == DataPathKind.Kernel)
                .ToDictionary(p => p.Vni, p => (IReadOnlyCollection<IPAddress>)(_plans.TryGetValue(p.Vni, out var plan) ? plan.AllPeers : []));
            _admission.Apply(kernel, (ushort)_vtep.LocalEndpoint.Port);
        }
    }

    /// <summary>Datagrams the admission table dropped per kernel VNI (sent by an address that is not a peer of the network).</summary>
    public long AdmissionDrops(uint vni) =>
        _admission is not null && Selection.UsesKernel && _admission.Drops().TryGetValue(vni, out var drops) ? drops.Packets : 0;

    /// <summary>Stops managing every path; kernel paths keep running without the agent.</summary>
    public void Dispose()
    {
        foreach (var path in _paths.Values) path.Dispose();
        _paths.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "network VNI {Vni}: replacing its {Kind} data path: {Why}")]
    private static partial void LogReplacing(ILogger logger, uint vni, string kind, string why);
}
