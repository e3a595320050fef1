using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.DataPlane.Devices;
using Weft.DataPlane.Offload;
using Weft.Linux;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;
using Weft.Linux.Tap;
using Weft.Wire;

namespace Weft.DataPlane.Host;

/// <summary>
/// The per-host plumbing of userspace mode, under the agent's control.
///
/// Design note. Like Docker's overlay driver, each network a host takes part in gets a sandbox namespace holding a
/// bridge (br0, with the network's gateway address); containers are namespaces joined to that bridge by a veth pair
/// (eth0 inside, with the container's address, MAC 02:42:&lt;IPv4&gt; and the overlay MTU). Where Docker puts a kernel
/// vxlan device on the bridge, Weft puts a TAP (vtep0) whose file descriptor this process owns, and its userspace
/// <see cref="Vtep"/> moves frames between that TAP and the host's underlay UDP socket. A TAP dies with the process that
/// owns it, while namespaces, bridges and veths persist: after an agent restart, <see cref="EnsureNetwork"/> finds the
/// sandbox and its containers in place and only makes a new TAP, so existing containers keep their connectivity.
/// Every operation is idempotent (safe to repeat from a reconciler) and names what it was doing when it fails.
/// </summary>
public sealed partial class HostDataPath : IDisposable
{
    private readonly ConcurrentDictionary<uint, TapFrameDevice> _taps = new();
    private readonly ILogger _logger;
    private readonly object _lock = new();

    public HostDataPath(Vtep vtep, HostNames names, ILogger<HostDataPath>? logger = null, OffloadSettings? offloads = null)
    {
        Vtep = vtep;
        Names = names;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Offloads = offloads ?? OffloadSettings.Off;
        _tapOffloads = Offloads.Enabled;
    }

    /// <summary>TAP offloads (TSO with software segmentation and coalescing) are asked for on new TAPs.</summary>
    public OffloadSettings Offloads { get; }

    private volatile bool _tapOffloads;

    /// <summary>Whether TAPs are opened with TSO offloads (false when off, or after the kernel refused them once).</summary>
    public bool TapOffloadsActive => _tapOffloads;

    /// <summary>The data path's features: the underlay's (<paramref name="underlay"/>) with the TAP side filled in.</summary>
    public DataPathFeatures Features(DataPathFeatures underlay) =>
        underlay with { Requested = Offloads.Enabled, TapSegmentation = TapOffloadsActive, TapCoalescing = TapOffloadsActive };

    public Vtep Vtep { get; }

    public HostNames Names { get; }

    /// <summary>The VNIs with a sandbox and a running TAP on this host.</summary>
    public IReadOnlyCollection<uint> Networks => _taps.Keys.ToList();

    /// <summary>
    /// Makes (or completes) the sandbox of a network: namespace, bridge with the gateway address, TAP on the bridge,
    /// attached to the VTEP. Safe to call again; after a restart it replaces the TAP that died with the old process.
    /// </summary>
    public void EnsureNetwork(uint vni, int mtu, IPv4Address gateway, int prefixLength)
    {
        lock (_lock)
        {
            if (_taps.ContainsKey(vni)) return;
            var sandbox = Names.Sandbox(vni);
            if (!NetworkNamespace.Exists(sandbox)) NetworkNamespace.Create(sandbox);
            using (var netlink = RtNetlink.Open(sandbox))
            {
                netlink.SetUp("lo");
                if (netlink.FindLink(HostNames.Bridge) is null) netlink.CreateBridge(HostNames.Bridge);
                netlink.SetMtu(HostNames.Bridge, mtu);
                var gatewayIp = gateway.ToIPAddress();
                if (!netlink.ListAddresses(HostNames.Bridge).Any(a => a.Address.Equals(gatewayIp)))
                    netlink.AddAddress(HostNames.Bridge, gatewayIp, prefixLength);
                netlink.SetUp(HostNames.Bridge);
                if (netlink.FindLink(HostNames.Tap) is not null) netlink.DeleteLink(HostNames.Tap); // a persistent leftover
            }
            var tap = NetworkNamespace.Run(sandbox, CreateTap);
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
            var device = new TapFrameDevice(tap);
            Vtep.AttachNetwork(vni, device);
            _taps[vni] = device;
            LogNetworkReady(_logger, vni, sandbox, mtu);
        }
    }

    /// <summary>The TAP with TSO offloads when allowed; if the kernel refuses them, logged once and the plain TAP from then on.</summary>
    private TapDevice CreateTap()
    {
        if (_tapOffloads)
        {
            try
            {
                return TapDevice.Create(HostNames.Tap, vnetHeader: true, TapOffloads.Checksum | TapOffloads.Tso4 | TapOffloads.Tso6);
            }
            catch (LinuxException e)
            {
                _tapOffloads = false;
                LogTapOffloadsUnavailable(_logger, e.Message);
            }
        }
        return TapDevice.Create(HostNames.Tap);
    }

    /// <summary>Removes a network's sandbox (its bridge and TAP go with it) and forgets its forwarding state.</summary>
    public void RemoveNetwork(uint vni)
    {
        lock (_lock)
        {
            Vtep.DetachNetwork(vni);
            if (_taps.TryRemove(vni, out var device)) device.Dispose();
            Vtep.Table.RemoveVni(vni);
            NetworkNamespace.DeleteIfExists(Names.Sandbox(vni));
        }
    }

    /// <summary>
    /// Plugs a container into its network's bridge: makes the container namespace if needed, a veth pair (the
    /// container end named <see cref="ContainerAttachment.Interface"/>) with MAC, MTU and address. Idempotent.
    /// </summary>
    public void AttachContainer(ContainerAttachment attachment)
    {
        lock (_lock)
        {
            var ns = Names.Container(attachment.ContainerName);
            var sandbox = Names.Sandbox(attachment.Vni);
            var port = HostNames.SandboxPort(attachment.EndpointId);
            if (!NetworkNamespace.Exists(sandbox))
                throw new InvalidOperationException($"network with VNI {attachment.Vni} has no sandbox on this host: ensure the network first");
            if (!NetworkNamespace.Exists(ns)) NetworkNamespace.Create(ns);
            using var inContainer = RtNetlink.Open(ns);
            inContainer.SetUp("lo");
            if (inContainer.FindLink(attachment.Interface) is null)
            {
                using var inSandbox = RtNetlink.Open(sandbox);
                if (inSandbox.FindLink(port) is not null) inSandbox.DeleteLink(port); // half-made by a crash
                inContainer.CreateVeth(attachment.Interface, port, peerNamespace: sandbox);
                inSandbox.SetMtu(port, attachment.Mtu);
                inSandbox.SetMaster(port, HostNames.Bridge);
                inSandbox.SetUp(port);
                LogContainerAttached(_logger, attachment.ContainerName, attachment.Address.ToString(), attachment.Vni);
            }
            inContainer.SetMac(attachment.Interface, PhysicalAddress.Parse(attachment.Mac.ToString().Replace(':', '-')));
            inContainer.SetMtu(attachment.Interface, attachment.Mtu);
            var address = attachment.Address.ToIPAddress();
            if (!inContainer.ListAddresses(attachment.Interface).Any(a => a.Address.Equals(address)))
                inContainer.AddAddress(attachment.Interface, address, attachment.PrefixLength);
            inContainer.SetUp(attachment.Interface);
        }
    }

    /// <summary>
    /// Plugs a runtime's container into its network's bridge the way Docker's plugin API wants it: a veth whose sandbox end
    /// is on the bridge and whose other end, <see cref="HandOffAttachment.HostInterface"/>, waits in this host's namespace
    /// with the container's MAC and the network's MTU for the runtime to move it into its container. A leftover of an
    /// earlier try is replaced. Returns the name of the interface to hand over.
    /// </summary>
    public string AttachForHandOff(HandOffAttachment attachment)
    {
        lock (_lock)
        {
            var sandbox = Names.Sandbox(attachment.Vni);
            var port = HostNames.SandboxPort(attachment.EndpointId);
            if (!NetworkNamespace.Exists(sandbox))
                throw new InvalidOperationException($"network with VNI {attachment.Vni} has no sandbox on this host: ensure the network first");
            using var inHost = RtNetlink.Open();
            using var inSandbox = RtNetlink.Open(sandbox);
            if (inHost.FindLink(attachment.HostInterface) is not null) inHost.DeleteLink(attachment.HostInterface);
            if (inSandbox.FindLink(port) is not null) inSandbox.DeleteLink(port);
            inHost.CreateVeth(attachment.HostInterface, port, peerNamespace: sandbox);
            inHost.SetMac(attachment.HostInterface, PhysicalAddress.Parse(attachment.Mac.ToString().Replace(':', '-')));
            inHost.SetMtu(attachment.HostInterface, attachment.Mtu);
            inSandbox.SetMtu(port, attachment.Mtu);
            inSandbox.SetMaster(port, HostNames.Bridge);
            inSandbox.SetUp(port);
            LogHandedOff(_logger, attachment.HostInterface, attachment.Address.ToString(), attachment.Vni);
            return attachment.HostInterface;
        }
    }

    /// <summary>
    /// Takes back what <see cref="AttachForHandOff"/> made: the veth goes with its sandbox end, wherever the runtime moved the
    /// other end. True if there was something to remove.
    /// </summary>
    public bool DetachHandOff(string endpointId, uint vni)
    {
        lock (_lock)
        {
            var removed = false;
            var sandbox = Names.Sandbox(vni);
            if (NetworkNamespace.Exists(sandbox))
            {
                using var inSandbox = RtNetlink.Open(sandbox);
                var port = HostNames.SandboxPort(endpointId);
                if (inSandbox.FindLink(port) is not null)
                {
                    inSandbox.DeleteLink(port);
                    removed = true;
                }
            }
            using var inHost = RtNetlink.Open();
            var hostEnd = HostNames.HandOffInterface(endpointId);
            if (inHost.FindLink(hostEnd) is not null)
            {
                inHost.DeleteLink(hostEnd); // never moved, or moved back by the runtime when it left
                removed = true;
            }
            return removed;
        }
    }

    /// <summary>The sandbox ports on the bridge of network <paramref name="vni"/> (every container's veth end).</summary>
    public IReadOnlyList<string> SandboxPorts(uint vni)
    {
        var sandbox = Names.Sandbox(vni);
        if (!NetworkNamespace.Exists(sandbox)) return [];
        using var inSandbox = RtNetlink.Open(sandbox);
        return inSandbox.ListLinks().Select(l => l.Name).Where(HostNames.IsSandboxPort).ToList();
    }

    /// <summary>Deletes one sandbox port of network <paramref name="vni"/> (its veth goes with it).</summary>
    public void DeleteSandboxPort(uint vni, string port)
    {
        lock (_lock)
        {
            var sandbox = Names.Sandbox(vni);
            if (!NetworkNamespace.Exists(sandbox)) return;
            using var inSandbox = RtNetlink.Open(sandbox);
            if (inSandbox.FindLink(port) is not null) inSandbox.DeleteLink(port);
        }
    }

    /// <summary>Unplugs a container from one network (its veth goes); deletes its namespace when <paramref name="lastNetwork"/>.</summary>
    public void DetachContainer(ContainerAttachment attachment, bool lastNetwork)
    {
        lock (_lock)
        {
            var ns = Names.Container(attachment.ContainerName);
            if (NetworkNamespace.Exists(ns))
            {
                using (var inContainer = RtNetlink.Open(ns))
                {
                    if (inContainer.FindLink(attachment.Interface) is not null) inContainer.DeleteLink(attachment.Interface);
                }
                if (lastNetwork) NetworkNamespace.Delete(ns);
            }
        }
    }

    /// <summary>Namespaces of containers this agent made (by name prefix), whether or not it still tracks them.</summary>
    public IReadOnlyList<string> ContainerNamespaces() =>
        NetworkNamespace.List().Where(n => n.StartsWith(Names.Container(""), StringComparison.Ordinal)).ToList();

    /// <summary>VNIs of the sandboxes this agent made (by name prefix), whether or not it still tracks them.</summary>
    public IReadOnlyList<uint> SandboxVnis() =>
        NetworkNamespace.List()
            .Select(n => n.StartsWith(Names.Sandbox(0)[..^1], StringComparison.Ordinal) && uint.TryParse(n.AsSpan(Names.Sandbox(0).Length - 1), out var vni) ? vni : (uint?)null)
            .OfType<uint>().ToList();

    /// <summary>The MTU of the interface holding <paramref name="underlayAddress"/> in the current namespace (the agent's host).</summary>
    public static int UnderlayMtu(IPAddress underlayAddress)
    {
        using var netlink = RtNetlink.Open();
        var address = netlink.ListAddresses().FirstOrDefault(a => a.Address.Equals(underlayAddress))
            ?? throw new InvalidOperationException($"no interface on this host has the underlay address {underlayAddress}");
        return netlink.ListLinks().First(l => l.Index == address.Index).Mtu;
    }

    public void Dispose()
    {
        foreach (var vni in _taps.Keys.ToList())
        {
            Vtep.DetachNetwork(vni);
            if (_taps.TryRemove(vni, out var device)) device.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TAP offloads unavailable, using the plain path (one frame per read/write): {Reason}")]
    private static partial void LogTapOffloadsUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "network VNI {Vni}: sandbox {Sandbox} ready, MTU {Mtu}")]
    private static partial void LogNetworkReady(ILogger logger, uint vni, string sandbox, int mtu);

    [LoggerMessage(Level = LogLevel.Information, Message = "veth {Interface} with {Address} on VNI {Vni} made for a runtime to move into its container")]
    private static partial void LogHandedOff(ILogger logger, string @interface, string address, uint vni);

    [LoggerMessage(Level = LogLevel.Information, Message = "container {Container} attached with {Address} on VNI {Vni}")]
    private static partial void LogContainerAttached(ILogger logger, string container, string address, uint vni);
}
