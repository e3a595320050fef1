using System.Buffers.Binary;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Weft.Linux.Namespaces;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    private const int IfInfoSize = 16;

    /// <summary>Creates a veth pair; the peer is created directly in <paramref name="peerNamespace"/> when given. Atomic: on failure neither end exists.</summary>
    public LinkInfo CreateVeth(string name, string peerName, string? peerNamespace = null)
    {
        InterfaceName.Validate(name, "veth");
        InterfaceName.Validate(peerName, "veth peer");
        using var peerNs = peerNamespace is null ? null : NetworkNamespace.Open(peerNamespace);
        var w = NewLink(name);
        var info = w.BeginNested(Rtm.IFLA_LINKINFO);
        w.String(Rtm.IFLA_INFO_KIND, "veth");
        var data = w.BeginNested(Rtm.IFLA_INFO_DATA);
        var peer = w.BeginNested(Rtm.VETH_INFO_PEER);
        w.Header(IfInfoSize);
        w.String(Rtm.IFLA_IFNAME, peerName);
        if (peerNs is not null) w.U32(Rtm.IFLA_NET_NS_FD, (uint)peerNs.Fd);
        w.EndNested(peer);
        w.EndNested(data);
        w.EndNested(info);
        var peerText = peerNamespace is null ? $"'{peerName}'" : $"'{peerName}' in namespace '{peerNamespace}'";
        Send(w, $"veth '{name}' (peer {peerText})");
        return GetLink(name);
    }

    /// <summary>Creates a bridge (down, as <c>ip link add type bridge</c> leaves it).</summary>
    public LinkInfo CreateBridge(string name)
    {
        InterfaceName.Validate(name, "bridge");
        var w = NewLink(name);
        var info = w.BeginNested(Rtm.IFLA_LINKINFO);
        w.String(Rtm.IFLA_INFO_KIND, "bridge");
        w.EndNested(info);
        Send(w, $"bridge '{name}'");
        return GetLink(name);
    }

    /// <summary>Creates a kernel vxlan device.</summary>
    public LinkInfo CreateVxlan(string name, VxlanOptions options)
    {
        InterfaceName.Validate(name, "vxlan");
        if (options.Vni > 0xFFFFFF) throw new ArgumentException($"vxlan '{name}': VNI {options.Vni} does not fit in 24 bits", nameof(options));
        var underlying = options.UnderlyingDevice is null ? 0 : GetLink(options.UnderlyingDevice).Index;
        var w = NewLink(name);
        var info = w.BeginNested(Rtm.IFLA_LINKINFO);
        w.String(Rtm.IFLA_INFO_KIND, "vxlan");
        var data = w.BeginNested(Rtm.IFLA_INFO_DATA);
        w.U32(Rtm.IFLA_VXLAN_ID, options.Vni);
        w.BigEndianU16(Rtm.IFLA_VXLAN_PORT, options.Port);
        w.U8(Rtm.IFLA_VXLAN_LEARNING, options.Learning ? (byte)1 : (byte)0);
        w.U8(Rtm.IFLA_VXLAN_PROXY, options.Proxy ? (byte)1 : (byte)0);
        w.U8(Rtm.IFLA_VXLAN_UDP_CSUM, options.UdpChecksum ? (byte)1 : (byte)0);
        if (underlying != 0) w.U32(Rtm.IFLA_VXLAN_LINK, (uint)underlying);
        if (options.Local is { } local)
            w.Attribute(local.AddressFamily == AddressFamily.InterNetwork ? Rtm.IFLA_VXLAN_LOCAL : Rtm.IFLA_VXLAN_LOCAL6, local.GetAddressBytes());
        w.EndNested(data);
        w.EndNested(info);
        Send(w, $"vxlan '{name}' (VNI {options.Vni})");
        return GetLink(name);
    }

    /// <summary>
    /// The parameters of the vxlan device <paramref name="name"/> as the kernel has them (what <c>ip -d link show</c> prints),
    /// or null when the link is not a vxlan device. The underlying device is not resolved to a name (left null).
    /// </summary>
    public VxlanOptions? GetVxlan(string name)
    {
        var body = RequestLink(name);
        var info = NetlinkAttributes.Parse(body[IfInfoSize..]).Nested(Rtm.IFLA_LINKINFO);
        if (info.String(Rtm.IFLA_INFO_KIND) != "vxlan") return null;
        var data = info.Nested(Rtm.IFLA_INFO_DATA);
        var port = data.Raw(Rtm.IFLA_VXLAN_PORT) is { Length: 2 } p ? BinaryPrimitives.ReadUInt16BigEndian(p.Span) : (ushort)0;
        return new VxlanOptions(
            data.U32(Rtm.IFLA_VXLAN_ID) ?? 0, port, data.Address(Rtm.IFLA_VXLAN_LOCAL) ?? data.Address(Rtm.IFLA_VXLAN_LOCAL6),
            data.U8(Rtm.IFLA_VXLAN_LEARNING) == 1, null, data.U8(Rtm.IFLA_VXLAN_PROXY) == 1, data.U8(Rtm.IFLA_VXLAN_UDP_CSUM) == 1);
    }

    /// <summary>The packet and byte counters of link <paramref name="name"/> (IFLA_STATS64, what <c>ip -s link</c> prints).</summary>
    public LinkStatistics GetStatistics(string name)
    {
        var stats = NetlinkAttributes.Parse(RequestLink(name)[IfInfoSize..]).Raw(Rtm.IFLA_STATS64);
        return stats is { Length: >= 64 } s ? LinkStatistics.Read(s.Span) : new LinkStatistics(0, 0, 0, 0, 0, 0, 0, 0);
    }

    /// <summary>Deletes a link (for a veth, both ends go). Throws ENODEV naming the link if it does not exist.</summary>
    public void DeleteLink(string name)
    {
        InterfaceName.Validate(name, "link");
        var w = new NetlinkMessageWriter(Rtm.DELLINK, Rtm.NLM_F_ACK);
        w.Header(IfInfoSize);
        w.String(Rtm.IFLA_IFNAME, name);
        Send(w, $"link '{name}'");
    }

    /// <summary>The link named <paramref name="name"/>; throws ENODEV naming it if it does not exist.</summary>
    public LinkInfo GetLink(string name) => ParseLink(RequestLink(name));

    /// <summary>The raw RTM_NEWLINK body the kernel answers for link <paramref name="name"/>; ENODEV naming it if there is none.</summary>
    private ReadOnlyMemory<byte> RequestLink(string name)
    {
        InterfaceName.Validate(name, "link");
        var w = new NetlinkMessageWriter(Rtm.GETLINK, Rtm.NLM_F_ACK);
        w.Header(IfInfoSize);
        w.String(Rtm.IFLA_IFNAME, name);
        foreach (var (type, body) in Send(w, $"link '{name}'"))
        {
            if (type == Rtm.NEWLINK) return body;
        }
        throw new LinuxException("RTM_GETLINK", $"link '{name}'", Errno.ENODEV);
    }

    /// <summary>The link named <paramref name="name"/>, or null if there is none.</summary>
    public LinkInfo? FindLink(string name)
    {
        try
        {
            return GetLink(name);
        }
        catch (LinuxException e) when (e.ErrorNumber == Errno.ENODEV)
        {
            return null;
        }
    }

    public IReadOnlyList<LinkInfo> ListLinks()
    {
        var w = new NetlinkMessageWriter(Rtm.GETLINK, Rtm.NLM_F_DUMP);
        w.Header(IfInfoSize);
        return Send(w, "links").Where(r => r.Type == Rtm.NEWLINK).Select(r => ParseLink(r.Body)).ToList();
    }

    public void SetUp(string name) => SetFlags(name, up: true);

    public void SetDown(string name) => SetFlags(name, up: false);

    public void SetMtu(string name, int mtu)
    {
        var w = SetLink(name, out var subject);
        w.U32(Rtm.IFLA_MTU, (uint)mtu);
        Send(w, $"{subject} (mtu {mtu})");
    }

    public void SetMac(string name, PhysicalAddress mac)
    {
        var w = SetLink(name, out var subject);
        w.Attribute(Rtm.IFLA_ADDRESS, mac.GetAddressBytes());
        Send(w, $"{subject} (address {mac})");
    }

    /// <summary>Enslaves the link to a bridge (<c>ip link set NAME master BRIDGE</c>).</summary>
    public void SetMaster(string name, string master)
    {
        var masterIndex = GetLink(master).Index;
        var w = SetLink(name, out var subject);
        w.U32(Rtm.IFLA_MASTER, (uint)masterIndex);
        Send(w, $"{subject} (master '{master}')");
    }

    /// <summary>Releases the link from its bridge (<c>ip link set NAME nomaster</c>).</summary>
    public void SetNoMaster(string name)
    {
        var w = SetLink(name, out var subject);
        w.U32(Rtm.IFLA_MASTER, 0);
        Send(w, $"{subject} (nomaster)");
    }

    /// <summary>Moves the link into the named namespace (<c>ip link set NAME netns NS</c>).</summary>
    public void MoveToNamespace(string name, string namespaceName)
    {
        using var target = NetworkNamespace.Open(namespaceName);
        var w = SetLink(name, out var subject);
        w.U32(Rtm.IFLA_NET_NS_FD, (uint)target.Fd);
        Send(w, $"{subject} (to namespace '{namespaceName}')");
    }

    private void SetFlags(string name, bool up)
    {
        var index = GetLink(name).Index;
        var w = new NetlinkMessageWriter(Rtm.NEWLINK, Rtm.NLM_F_ACK);
        var h = w.Header(IfInfoSize);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], up ? Rtm.IFF_UP : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], Rtm.IFF_UP);
        Send(w, $"link '{name}' ({(up ? "up" : "down")})");
    }

    private NetlinkMessageWriter SetLink(string name, out string subject)
    {
        var index = GetLink(name).Index;
        var w = new NetlinkMessageWriter(Rtm.NEWLINK, Rtm.NLM_F_ACK);
        var h = w.Header(IfInfoSize);
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        subject = $"link '{name}'";
        return w;
    }

    private static NetlinkMessageWriter NewLink(string name)
    {
        var w = new NetlinkMessageWriter(Rtm.NEWLINK, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_EXCL);
        w.Header(IfInfoSize);
        w.String(Rtm.IFLA_IFNAME, name);
        return w;
    }

    private static LinkInfo ParseLink(ReadOnlyMemory<byte> body)
    {
        var h = body.Span;
        var index = BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        var a = NetlinkAttributes.Parse(body[IfInfoSize..]);
        return new LinkInfo(
            index,
            a.String(Rtm.IFLA_IFNAME) ?? $"if{index}",
            a.Nested(Rtm.IFLA_LINKINFO).String(Rtm.IFLA_INFO_KIND),
            (int)(a.U32(Rtm.IFLA_MTU) ?? 0),
            a.Mac(Rtm.IFLA_ADDRESS),
            (int)(a.U32(Rtm.IFLA_MASTER) ?? 0),
            (flags & Rtm.IFF_UP) != 0,
            (flags & Rtm.IFF_LOWER_UP) != 0,
            (LinkOperState)(a.U8(Rtm.IFLA_OPERSTATE) ?? 0));
    }
}
