using System.Net;
using Weft.Linux;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;

namespace Weft.Lab;

/// <summary>
/// Builds, inspects and removes the lab of LAB.md: several simulated hosts on one machine.
///
/// Design note: the lab is plain network namespaces made with Weft's own Linux layer (no shelling
/// out to ip): "P-net" is the physical network (bridge "Pbr0"), "P-h1".."P-hN" are the hosts, each
/// with "eth0" on 198.51.100.N/24 whose veth peer "P-hN" is a bridge port. <see cref="Up"/> is a
/// reconciler, not a script: it looks at what exists and creates or repairs only what is missing, so
/// running it twice changes nothing and it completes a half-built lab. Nothing is ever created in the
/// root namespace. <see cref="Down"/> deletes every lab namespace by exact name (including those
/// weftd made under a host, "P-hN-…") and waits until the names are gone.
/// </summary>
public static class LabTopology
{
    private static readonly TimeSpan RemovalTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Creates or repairs the lab with <paramref name="hosts"/> hosts; returns what it changed.</summary>
    public static LabUpResult Up(string prefix = LabNames.DefaultPrefix, int hosts = 2)
    {
        if (hosts < 1 || hosts > LabNames.MaxHosts)
            throw new ArgumentOutOfRangeException(nameof(hosts), $"a lab has 1..{LabNames.MaxHosts} hosts, not {hosts}");
        LabNames.ValidatePrefix(prefix, hosts);
        var changes = new List<string>();
        var net = LabNames.NetNamespace(prefix);
        var bridgeName = LabNames.Bridge(prefix);

        EnsureNamespace(net, changes);
        using var underlay = RtNetlink.Open(net);
        EnsureUp(underlay, "lo", net, changes);
        var bridge = underlay.FindLink(bridgeName);
        if (bridge is not null && bridge.Kind != "bridge")
        {
            underlay.DeleteLink(bridgeName);
            changes.Add($"removed non-bridge link '{bridgeName}' in {net}");
            bridge = null;
        }
        if (bridge is null)
        {
            bridge = underlay.CreateBridge(bridgeName);
            changes.Add($"created bridge '{bridgeName}' in {net}");
        }
        EnsureUp(underlay, bridgeName, net, changes);

        for (var host = 1; host <= hosts; host++)
            EnsureHost(prefix, host, underlay, bridge.Index, changes);
        return new LabUpResult(prefix, hosts, changes);
    }

    /// <summary>Removes every namespace of the lab and waits until they are gone; with nothing up it reports "nothing to remove".</summary>
    public static LabDownResult Down(string prefix = LabNames.DefaultPrefix)
    {
        LabNames.ValidatePrefix(prefix, hosts: 1);
        var names = NetworkNamespace.List().Where(n => LabNames.BelongsToLab(prefix, n))
            .OrderBy(n => n == LabNames.NetNamespace(prefix)) // hosts (and their containers) first, the wire last
            .ToList();
        var removed = names.Where(NetworkNamespace.DeleteIfExists).ToList();
        var deadline = DateTime.UtcNow + RemovalTimeout;
        while (names.Any(NetworkNamespace.Exists))
        {
            if (DateTime.UtcNow > deadline)
                throw new IOException($"lab '{prefix}': namespaces still present after {RemovalTimeout.TotalSeconds} s: {string.Join(", ", names.Where(NetworkNamespace.Exists))}");
            Thread.Sleep(20);
        }
        RemoveNamespaceConfig(prefix);
        return new LabDownResult(prefix, removed);
    }

    /// <summary>
    /// Removes /etc/netns/&lt;name&gt; of the lab's namespaces (the per-namespace files <c>ip netns exec</c> bind-mounts,
    /// such as a container's resolv.conf written by weftd), which outlive the namespaces themselves.
    /// </summary>
    private static void RemoveNamespaceConfig(string prefix)
    {
        const string config = "/etc/netns";
        if (!Directory.Exists(config)) return;
        foreach (var dir in Directory.GetDirectories(config).Where(d => LabNames.BelongsToLab(prefix, Path.GetFileName(d))))
            Directory.Delete(dir, recursive: true);
    }

    /// <summary>What exists of the lab now, host by host, with a reason for every unhealthy host.</summary>
    public static LabStatus Status(string prefix = LabNames.DefaultPrefix)
    {
        LabNames.ValidatePrefix(prefix, hosts: 1);
        var net = LabNames.NetNamespace(prefix);
        var hostNumbers = NetworkNamespace.List().Select(n => LabNames.HostNumber(prefix, n)).OfType<int>().Order().ToList();
        if (!NetworkNamespace.Exists(net))
            return new LabStatus(prefix, false, false, hostNumbers.Select(h => new LabHostStatus(h, LabNames.HostNamespace(prefix, h), null, false, false, $"underlay namespace '{net}' is missing")).ToList());

        using var underlay = RtNetlink.Open(net);
        var bridge = underlay.FindLink(LabNames.Bridge(prefix));
        // A host whose namespace name was deleted while something (its weftd) kept the namespace alive still has its bridge port.
        var hosts = hostNumbers.Union(underlay.ListLinks().Select(l => LabNames.HostNumber(prefix, l.Name)).OfType<int>()).Order()
            .Select(h => HostStatus(prefix, h, underlay, bridge)).ToList();
        return new LabStatus(prefix, true, bridge is { IsAdminUp: true }, hosts);
    }

    private static void EnsureHost(string prefix, int host, RtNetlink underlay, int bridgeIndex, List<string> changes)
    {
        var ns = LabNames.HostNamespace(prefix, host);
        var portName = LabNames.BridgePort(prefix, host);
        var net = underlay.Namespace!;
        EnsureNamespace(ns, changes);
        using var hostNl = RtNetlink.Open(ns);
        EnsureUp(hostNl, "lo", ns, changes);

        var port = underlay.FindLink(portName);
        var eth = hostNl.FindLink(LabNames.HostInterface);
        if (port?.Kind != "veth" || eth?.Kind != "veth")
        {
            // A half-made pair (one end missing, or something else under the name): start the pair afresh.
            if (port is not null) DeleteIfPresent(underlay, portName);
            if (eth is not null) DeleteIfPresent(hostNl, LabNames.HostInterface);
            underlay.CreateVeth(portName, LabNames.HostInterface, ns);
            changes.Add($"created veth '{portName}' ({net}) <-> '{LabNames.HostInterface}' ({ns})");
            port = underlay.GetLink(portName);
        }
        if (port.MasterIndex != bridgeIndex)
        {
            underlay.SetMaster(portName, LabNames.Bridge(prefix));
            changes.Add($"attached '{portName}' to bridge '{LabNames.Bridge(prefix)}'");
        }
        EnsureUp(underlay, portName, net, changes);
        EnsureUp(hostNl, LabNames.HostInterface, ns, changes);

        var address = LabNames.HostAddress(host);
        var has = hostNl.ListAddresses(LabNames.HostInterface).Any(a => a.Address.Equals(address) && a.PrefixLength == LabNames.UnderlayPrefixLength);
        if (!has)
        {
            hostNl.AddAddress(LabNames.HostInterface, address, LabNames.UnderlayPrefixLength);
            changes.Add($"added {address}/{LabNames.UnderlayPrefixLength} to '{LabNames.HostInterface}' in {ns}");
        }
    }

    private static LabHostStatus HostStatus(string prefix, int host, RtNetlink underlay, LinkInfo? bridge)
    {
        var ns = LabNames.HostNamespace(prefix, host);
        var expected = LabNames.HostAddress(host);
        var port = underlay.FindLink(LabNames.BridgePort(prefix, host));
        var attached = bridge is not null && port is not null && port.MasterIndex == bridge.Index;
        if (!NetworkNamespace.Exists(ns))
            return new LabHostStatus(host, ns, null, false, attached, $"namespace '{ns}' is missing");
        LinkInfo? eth;
        IPAddress? address;
        try
        {
            using var hostNl = RtNetlink.Open(ns);
            eth = hostNl.FindLink(LabNames.HostInterface);
            address = eth is null ? null : hostNl.ListAddresses(LabNames.HostInterface)
                .Where(a => a.Address.Equals(expected) && a.PrefixLength == LabNames.UnderlayPrefixLength)
                .Select(a => a.Address).FirstOrDefault();
        }
        catch (LinuxException e)
        {
            return new LabHostStatus(host, ns, null, false, attached, $"cannot inspect: {e.Message}");
        }
        var up = eth is { IsAdminUp: true } && port is { IsAdminUp: true };
        var problem =
            bridge is null ? $"bridge '{LabNames.Bridge(prefix)}' is missing" :
            !bridge.IsAdminUp ? $"bridge '{LabNames.Bridge(prefix)}' is down" :
            eth is null ? $"'{LabNames.HostInterface}' is missing" :
            port is null ? $"bridge port '{LabNames.BridgePort(prefix, host)}' is missing" :
            !attached ? $"'{port.Name}' is not attached to the bridge" :
            !up ? "the underlay link is down" :
            address is null ? $"{expected}/{LabNames.UnderlayPrefixLength} is missing on '{LabNames.HostInterface}'" :
            null;
        return new LabHostStatus(host, ns, address, up, attached, problem);
    }

    private static void EnsureNamespace(string name, List<string> changes)
    {
        if (NetworkNamespace.Exists(name)) return;
        NetworkNamespace.Create(name);
        changes.Add($"created namespace '{name}'");
    }

    private static void EnsureUp(RtNetlink nl, string link, string ns, List<string> changes)
    {
        if (nl.GetLink(link).IsAdminUp) return;
        nl.SetUp(link);
        changes.Add($"set '{link}' up in {ns}");
    }

    private static void DeleteIfPresent(RtNetlink nl, string link)
    {
        try
        {
            nl.DeleteLink(link);
        }
        catch (LinuxException e) when (e.ErrorNumber == Errno.ENODEV)
        {
            // the kernel removed it meanwhile (its peer's namespace was being torn down)
        }
    }
}
