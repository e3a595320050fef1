using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Host;
using Weft.DataPlane.Paths;
using Weft.DataPlane.Seams;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;

namespace Weft.DataPlane.Userspace;

/// <summary>
/// A network on Weft's userspace VTEP: a TAP (vtep0) on the sandbox's bridge whose file descriptor this process owns, attached
/// to the host's <see cref="Vtep"/>, whose forwarding table <see cref="Apply"/> programs for the VNI (remote MACs and
/// addresses for local ARP answers, the peers for broadcast and admission). The TAP dies with the process, so after a
/// restart a new one is made; namespaces, bridge and veths stay. Its reader supervises itself: a reader that fails or finds
/// its TAP gone is logged and counted by the VTEP and marks this path unhealthy, and the owner builds a new one.
/// Counters are the TAP's own (frames the VTEP wrote to it came in from the overlay; frames it read went out).
/// </summary>
public sealed partial class UserspaceNetworkPath : INetworkDataPath
{
    private readonly Vtep _vtep;
    private readonly string _sandbox;
    private readonly ushort _vxlanPort;
    private readonly TapFrameDevice _device;
    private readonly ILogger _logger;
    private volatile bool _healthy = true;

    /// <summary>Makes the TAP in <paramref name="sandbox"/> (its bridge must exist) and attaches it to <paramref name="vtep"/>.</summary>
    public UserspaceNetworkPath(uint vni, int mtu, string sandbox, Vtep vtep, TapFactory taps, ushort vxlanPort, string reason, ILogger? logger = null)
    {
        Vni = vni;
        Reason = reason;
        _vtep = vtep;
        _sandbox = sandbox;
        _vxlanPort = vxlanPort;
        _logger = logger ?? NullLogger.Instance;
        using (var netlink = RtNetlink.Open(sandbox))
        {
            if (netlink.FindLink(HostNames.Tap) is not null) netlink.DeleteLink(HostNames.Tap); // a persistent leftover
        }
        var tap = NetworkNamespace.Run(sandbox, () => taps.Create(HostNames.Tap));
        try
        {
            using var netlink = RtNetlink.Open(sandbox);
            netlink.SetMtu(HostNames.Tap, mtu);
            netlink.SetMaster(HostNames.Tap, HostNames.Bridge);
            netlink.SetUp(HostNames.Tap);
        }
        catch
        {
            tap.Dispose();
            throw;
        }
        _device = new TapFrameDevice(tap);
        _vtep.DeviceFailed += OnDeviceFailed;
        try
        {
            _vtep.AttachNetwork(vni, _device);
        }
        catch
        {
            _vtep.DeviceFailed -= OnDeviceFailed;
            _device.Dispose();
            throw;
        }
    }

    public uint Vni { get; }

    public DataPathKind Kind => DataPathKind.Userspace;

    public string Reason { get; }

    public bool Healthy => _healthy;

    public event Action<uint>? Broke;

    public int MaxProbeLength => _vtep.MaxProbeLength;

    private void OnDeviceFailed(uint vni, IFrameDevice device)
    {
        if (vni != Vni || !ReferenceEquals(device, _device)) return;
        _healthy = false;
        LogUnhealthy(_logger, Vni);
        Broke?.Invoke(Vni);
    }

    public void Apply(NetworkPlan plan)
    {
        var table = _vtep.Table;
        var wantedMacs = plan.Remotes.Select(r => r.Mac).ToHashSet();
        foreach (var entry in table.Endpoints(Vni).Where(e => !wantedMacs.Contains(e.Mac)))
            table.RemoveEndpoint(Vni, entry.Mac);
        foreach (var r in plan.Remotes)
            table.SetEndpoint(Vni, r.Mac, r.Address, Peer(r.Host));
        var wantedPeers = plan.AllPeers.Select(Peer).ToHashSet();
        foreach (var peer in wantedPeers) table.AddPeer(Vni, peer);
        foreach (var peer in table.Peers(Vni).Where(p => !wantedPeers.Contains(p)))
            table.RemovePeer(Vni, peer);
        table.SetExternalPeers(Vni, plan.ExternalPeers.Select(Peer).ToList());
    }

    public int LearnedMacCount() => _vtep.Table.Learned.Count(Vni);

    private PeerEndpoint Peer(IPAddress host) => PeerEndpoint.From(new IPEndPoint(host, _vxlanPort));

    /// <summary>The TAP's counters: what the kernel transmitted on it the VTEP read (out to the overlay), and the reverse.</summary>
    public NetworkTraffic Traffic()
    {
        try
        {
            using var netlink = RtNetlink.Open(_sandbox);
            var s = netlink.GetStatistics(HostNames.Tap);
            return new NetworkTraffic((long)s.RxPackets, (long)s.RxBytes, (long)s.TxPackets, (long)s.TxBytes,
                (long)(s.RxDropped + s.TxDropped) + _device.ReadDrops + _device.WriteDrops);
        }
        catch (Weft.Linux.LinuxException)
        {
            return NetworkTraffic.None; // the TAP is gone (the path is being rebuilt)
        }
    }

    public IReadOnlyList<RemoteContainer> Forwarding() =>
        _vtep.Table.Endpoints(Vni).Select(e => new RemoteContainer(e.Mac, e.Ip, e.Vtep.ToIPEndPoint().Address)).ToList();

    public Task<TimeSpan?> ProbeAsync(IPAddress peer, int frameLength, TimeSpan timeout, CancellationToken cancellationToken) =>
        _vtep.ProbeAsync(Vni, Peer(peer), frameLength, timeout, cancellationToken);

    public void Remove() => Dispose();

    /// <summary>Detaches from the VTEP, closes the TAP (it goes with the process's descriptor) and forgets the VNI's entries.</summary>
    public void Dispose()
    {
        _vtep.DeviceFailed -= OnDeviceFailed;
        _vtep.DetachNetwork(Vni);
        _device.Dispose();
        _vtep.Table.RemoveVni(Vni);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "network VNI {Vni}: its TAP reader stopped; the data path is rebuilt now")]
    private static partial void LogUnhealthy(ILogger logger, uint vni);
}
