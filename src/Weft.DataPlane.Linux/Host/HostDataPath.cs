using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Linux;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;
using Weft.Wire;

namespace Weft.DataPlane.Host;

/// <summary>
/// The per-host plumbing every front door shares (Weft's own containers, Docker's Join, CNI's ADD), under the agent's control.
///
/// Design note. Like Docker's overlay driver, each network a host takes part in gets a sandbox namespace holding a
/// bridge (br0, with the network's gateway address); containers are namespaces joined to that bridge by a veth pair
/// (eth0 inside, with the container's address, MAC 02:42:&lt;IPv4&gt; and the overlay MTU). What carries the bridge's
/// frames across the underlay is the network's data path, not this class: a kernel vxlan device or a TAP of the
/// userspace VTEP on the same bridge (<see cref="Paths.INetworkDataPath"/>). Namespaces, bridges and veths persist
/// across agent restarts, so existing containers keep their plumbing. Every operation is idempotent (safe to repeat from
/// a reconciler) and names what it was doing when it fails.
/// </summary>
public sealed partial class HostDataPath(HostNames names, ILogger<HostDataPath>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private readonly object _lock = new();

    public HostNames Names { get; } = names;

    /// <summary>
    /// Makes (or completes) the sandbox of a network: namespace, bridge with the gateway address and the network's MTU, up.
    /// Safe to call again; finds an existing sandbox as it is.
    /// </summary>
    public void EnsureSandbox(uint vni, int mtu, IPv4Address gateway, int prefixLength)
    {
        lock (_lock)
        {
            var sandbox = Names.Sandbox(vni);
            var created = false;
            if (!NetworkNamespace.Exists(sandbox))
            {
                NetworkNamespace.Create(sandbox);
                created = true;
            }
            using var netlink = RtNetlink.Open(sandbox);
            netlink.SetUp("lo");
            var bridge = netlink.FindLink(HostNames.Bridge) ?? netlink.CreateBridge(HostNames.Bridge);
            if (bridge.Mtu != mtu) netlink.SetMtu(HostNames.Bridge, mtu);
            var gatewayIp = gateway.ToIPAddress();
            if (!netlink.ListAddresses(HostNames.Bridge).Any(a => a.Address.Equals(gatewayIp)))
                netlink.AddAddress(HostNames.Bridge, gatewayIp, prefixLength);
            if (!bridge.IsAdminUp) netlink.SetUp(HostNames.Bridge);
            if (created) LogSandboxReady(_logger, vni, sandbox, mtu);
        }
    }

    /// <summary>Removes a network's sandbox; its bridge, data-path device and container ports go with it.</summary>
    public void RemoveSandbox(uint vni)
    {
        lock (_lock) NetworkNamespace.DeleteIfExists(Names.Sandbox(vni));
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
            var sandbox = ExistingSandbox(attachment.Vni);
            var port = HostNames.SandboxPort(attachment.EndpointId);
            if (!NetworkNamespace.Exists(ns)) NetworkNamespace.Create(ns);
            using var inContainer = RtNetlink.Open(ns);
            inContainer.SetUp("lo");
            if (inContainer.FindLink(attachment.Interface) is null)
            {
                using var inSandbox = RtNetlink.Open(sandbox);
                if (inSandbox.FindLink(port) is not null) inSandbox.DeleteLink(port); // half-made by a crash
                inContainer.CreateVeth(attachment.Interface, port, peerNamespace: sandbox);
                LogContainerAttached(_logger, attachment.ContainerName, attachment.Address.ToString(), attachment.Vni);
            }
            using (var inSandbox = RtNetlink.Open(sandbox)) PlugIntoBridge(inSandbox, port, attachment.Mtu, attachment.Mac);
            inContainer.SetMac(attachment.Interface, PhysicalAddress.Parse(attachment.Mac.ToString().Replace(':', '-')));
            inContainer.SetMtu(attachment.Interface, attachment.Mtu);
            var address = attachment.Address.ToIPAddress();
            if (!inContainer.ListAddresses(attachment.Interface).Any(a => a.Address.Equals(address)))
                inContainer.AddAddress(attachment.Interface, address, attachment.PrefixLength);
            inContainer.SetUp(attachment.Interface);
        }
    }

    /// <summary>
    /// Plugs a container whose namespace a runtime made (CNI) into its network's bridge: a veth made in the network's sandbox
    /// (its end on the bridge) whose other end goes straight into <see cref="NamespaceAttachment.Namespace"/> as
    /// <see cref="NamespaceAttachment.Interface"/>, with the MAC, MTU and address, up, and <c>lo</c> up. Idempotent: an
    /// interface already there is set right, a sandbox end left by a crash is replaced. Throws naming the namespace when it
    /// does not exist.
    /// </summary>
    public void AttachIntoNamespace(NamespaceAttachment attachment)
    {
        lock (_lock)
        {
            var sandbox = ExistingSandbox(attachment.Vni);
            var port = HostNames.SandboxPort(attachment.EndpointId);
            using var inContainer = RtNetlink.Open(attachment.Namespace);
            using var inSandbox = RtNetlink.Open(sandbox);
            inContainer.SetUp("lo");
            if (inContainer.FindLink(attachment.Interface) is null || inSandbox.FindLink(port) is null)
            {
                if (inSandbox.FindLink(port) is not null) inSandbox.DeleteLink(port);
                if (inContainer.FindLink(attachment.Interface) is not null) inContainer.DeleteLink(attachment.Interface);
                inSandbox.CreateVeth(port, attachment.Interface, peerNamespace: attachment.Namespace);
                LogNamespaceAttached(_logger, attachment.Namespace, attachment.Interface, attachment.Address.ToString(), attachment.Vni);
            }
            PlugIntoBridge(inSandbox, port, attachment.Mtu, attachment.Mac);
            inContainer.SetMac(attachment.Interface, PhysicalAddress.Parse(attachment.Mac.ToString().Replace(':', '-')));
            inContainer.SetMtu(attachment.Interface, attachment.Mtu);
            var address = attachment.Address.ToIPAddress();
            if (!inContainer.ListAddresses(attachment.Interface).Any(a => a.Address.Equals(address)))
                inContainer.AddAddress(attachment.Interface, address, attachment.PrefixLength);
            inContainer.SetUp(attachment.Interface);
        }
    }

    /// <summary>
    /// What is wrong with <paramref name="attachment"/> as it is in the kernel now (CNI's CHECK), or null when the interface is
    /// in its namespace, up, with its MAC, MTU and address, and its sandbox end is on the bridge.
    /// </summary>
    public string? CheckNamespace(NamespaceAttachment attachment)
    {
        lock (_lock)
        {
            if (!NetworkNamespace.Exists(attachment.Namespace)) return $"namespace {attachment.Namespace} does not exist";
            using var inContainer = RtNetlink.Open(attachment.Namespace);
            var link = inContainer.FindLink(attachment.Interface);
            if (link is null) return $"{attachment.Interface} is missing in {attachment.Namespace}";
            if (!link.IsAdminUp) return $"{attachment.Interface} is down";
            if (link.Mtu != attachment.Mtu) return $"{attachment.Interface} has MTU {link.Mtu}, not {attachment.Mtu}";
            var mac = PhysicalAddress.Parse(attachment.Mac.ToString().Replace(':', '-'));
            if (!mac.Equals(link.Mac)) return $"{attachment.Interface} has MAC {link.Mac}, not {attachment.Mac}";
            var address = attachment.Address.ToIPAddress();
            if (!inContainer.ListAddresses(attachment.Interface).Any(a => a.Address.Equals(address) && a.PrefixLength == attachment.PrefixLength))
                return $"{attachment.Interface} lacks {attachment.Address}/{attachment.PrefixLength}";
            var sandbox = Names.Sandbox(attachment.Vni);
            if (!NetworkNamespace.Exists(sandbox)) return $"the network's sandbox {sandbox} is gone";
            using var inSandbox = RtNetlink.Open(sandbox);
            var port = inSandbox.FindLink(HostNames.SandboxPort(attachment.EndpointId));
            var bridge = inSandbox.FindLink(HostNames.Bridge);
            if (port is null || bridge is null || port.MasterIndex != bridge.Index) return $"{attachment.Interface}'s other end is not on the network's bridge";
            return null;
        }
    }

    /// <summary>The sandbox namespace of network <paramref name="vni"/>; throws when this host has none (ensure the network first).</summary>
    private string ExistingSandbox(uint vni)
    {
        var sandbox = Names.Sandbox(vni);
        if (!NetworkNamespace.Exists(sandbox))
            throw new InvalidOperationException($"network with VNI {vni} has no sandbox on this host: ensure the network first");
        return sandbox;
    }

    /// <summary>A container's veth end in the sandbox, on the bridge: the network's MTU, up, and the container's MAC pinned there.</summary>
    private static void PlugIntoBridge(RtNetlink inSandbox, string port, int mtu, MacAddress mac)
    {
        inSandbox.SetMtu(port, mtu);
        inSandbox.SetMaster(port, HostNames.Bridge);
        inSandbox.SetUp(port);
        PinMac(inSandbox, port, mac);
    }

    /// <summary>
    /// Tells the network's bridge, with a static entry, that <paramref name="mac"/> is behind <paramref name="port"/>. Weft
    /// derives a container's MAC from its address, and an address given back is given again, perhaps on another host: the
    /// bridge may still hold the MAC as learned behind the vxlan port from the container that had it before, and would drop
    /// frames for the new one arriving on that port until the entry aged out (300 s) or the container spoke first. The
    /// static entry replaces it, and goes with the port.
    /// </summary>
    private static void PinMac(RtNetlink inSandbox, string port, MacAddress mac) =>
        inSandbox.ReplaceFdb(port, PhysicalAddress.Parse(mac.ToString().Replace(':', '-')), FdbTarget.Master);

    /// <summary>Takes a namespace attachment away (its sandbox end, and the interface with it, wherever it is); true if there was one.</summary>
    public bool DetachFromNamespace(string endpointId, uint vni) => DetachHandOff(endpointId, vni);

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
            var sandbox = ExistingSandbox(attachment.Vni);
            var port = HostNames.SandboxPort(attachment.EndpointId);
            using var inHost = RtNetlink.Open();
            using var inSandbox = RtNetlink.Open(sandbox);
            if (inHost.FindLink(attachment.HostInterface) is not null) inHost.DeleteLink(attachment.HostInterface);
            if (inSandbox.FindLink(port) is not null) inSandbox.DeleteLink(port);
            inHost.CreateVeth(attachment.HostInterface, port, peerNamespace: sandbox);
            inHost.SetMac(attachment.HostInterface, PhysicalAddress.Parse(attachment.Mac.ToString().Replace(':', '-')));
            inHost.SetMtu(attachment.HostInterface, attachment.Mtu);
            PlugIntoBridge(inSandbox, port, attachment.Mtu, attachment.Mac);
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

    /// <summary>Whether the namespace of container <paramref name="container"/> exists (named by <see cref="HostNames.Container"/>).</summary>
    public bool ContainerNamespaceExists(string container) => NetworkNamespace.Exists(Names.Container(container));

    /// <summary>Deletes a container namespace found by <see cref="ContainerNamespaces"/> (its veths go with it); gone already is fine.</summary>
    public void DeleteContainerNamespace(string namespaceName) => NetworkNamespace.DeleteIfExists(namespaceName);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "network VNI {Vni}: sandbox {Sandbox} made, MTU {Mtu}")]
    private static partial void LogSandboxReady(ILogger logger, uint vni, string sandbox, int mtu);

    [LoggerMessage(Level = LogLevel.Information, Message = "veth {Interface} with {Address} on VNI {Vni} made for a runtime to move into its container")]
    private static partial void LogHandedOff(ILogger logger, string @interface, string address, uint vni);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Interface} in {Namespace} attached with {Address} on VNI {Vni}")]
    private static partial void LogNamespaceAttached(ILogger logger, string @namespace, string @interface, string address, uint vni);

    [LoggerMessage(Level = LogLevel.Information, Message = "container {Container} attached with {Address} on VNI {Vni}")]
    private static partial void LogContainerAttached(ILogger logger, string container, string address, uint vni);
}
