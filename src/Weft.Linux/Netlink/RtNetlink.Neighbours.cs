using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    private const int NdMsgSize = 12;

    /// <summary><c>ip neigh add ADDRESS lladdr MAC dev DEV nud permanent</c>. Throws EEXIST if an entry is there.</summary>
    public void AddNeighbour(string dev, IPAddress address, PhysicalAddress mac) =>
        ModifyNeighbour(Rtm.NEWNEIGH, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_EXCL, dev, address, mac);

    /// <summary><c>ip neigh replace …</c>: creates the entry or replaces a stale one.</summary>
    public void ReplaceNeighbour(string dev, IPAddress address, PhysicalAddress mac) =>
        ModifyNeighbour(Rtm.NEWNEIGH, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_REPLACE, dev, address, mac);

    /// <summary><c>ip neigh del ADDRESS dev DEV</c>. Throws ENOENT if there is no entry.</summary>
    public void DeleteNeighbour(string dev, IPAddress address) =>
        ModifyNeighbour(Rtm.DELNEIGH, Rtm.NLM_F_ACK, dev, address, null);

    /// <summary>IPv4 and IPv6 neighbour entries, or those of one link.</summary>
    public IReadOnlyList<NeighbourInfo> ListNeighbours(string? dev = null)
    {
        var index = dev is null ? 0 : GetLink(dev).Index;
        var result = new List<NeighbourInfo>();
        foreach (var (body, ifIndex, state, _) in DumpNeighbours(Rtm.AF_UNSPEC, dev is null ? "neighbours" : $"neighbours of '{dev}'"))
        {
            if (body.Span[0] is not (Rtm.AF_INET or Rtm.AF_INET6) || (index != 0 && ifIndex != index)) continue;
            var a = NetlinkAttributes.Parse(body[NdMsgSize..]);
            if (a.Address(Rtm.NDA_DST) is { } address)
                result.Add(new NeighbourInfo(ifIndex, address, a.Mac(Rtm.NDA_LLADDR), state));
        }
        return result;
    }

    /// <summary><c>bridge fdb add MAC dev DEV [dst DST] self|master</c>. Throws EEXIST if an entry is there.</summary>
    public void AddFdb(string dev, PhysicalAddress mac, FdbTarget target, IPAddress? destination = null) =>
        ModifyFdb(Rtm.NEWNEIGH, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_EXCL, dev, mac, target, destination);

    /// <summary><c>bridge fdb replace …</c>: creates the entry or replaces a stale one (e.g. a MAC that moved to another VTEP).</summary>
    public void ReplaceFdb(string dev, PhysicalAddress mac, FdbTarget target, IPAddress? destination = null) =>
        ModifyFdb(Rtm.NEWNEIGH, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_REPLACE, dev, mac, target, destination);

    /// <summary><c>bridge fdb append …</c>: adds one more destination (vxlan flood lists under 00:00:00:00:00:00).</summary>
    public void AppendFdb(string dev, PhysicalAddress mac, IPAddress destination) =>
        ModifyFdb(Rtm.NEWNEIGH, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_APPEND, dev, mac, FdbTarget.Self, destination);

    /// <summary><c>bridge fdb del MAC dev DEV [dst DST] self|master</c>. Throws ENOENT if there is no entry.</summary>
    public void DeleteFdb(string dev, PhysicalAddress mac, FdbTarget target, IPAddress? destination = null) =>
        ModifyFdb(Rtm.DELNEIGH, Rtm.NLM_F_ACK, dev, mac, target, destination);

    /// <summary>Bridge and vxlan FDB entries (AF_BRIDGE), or those of one link.</summary>
    public IReadOnlyList<FdbEntry> ListFdb(string? dev = null)
    {
        var index = dev is null ? 0 : GetLink(dev).Index;
        var result = new List<FdbEntry>();
        foreach (var (body, ifIndex, state, flags) in DumpNeighbours(Rtm.AF_BRIDGE, dev is null ? "fdb" : $"fdb of '{dev}'"))
        {
            if (body.Span[0] != Rtm.AF_BRIDGE || (index != 0 && ifIndex != index)) continue;
            var a = NetlinkAttributes.Parse(body[NdMsgSize..]);
            if (a.Mac(Rtm.NDA_LLADDR) is { } mac)
                result.Add(new FdbEntry(ifIndex, mac, a.Address(Rtm.NDA_DST), (int)(a.U32(Rtm.NDA_MASTER) ?? 0), flags, state)
                {
                    // struct nda_cacheinfo { confirmed, used, updated, refcnt }: ages in USER_HZ (100 per second) ticks
                    UpdatedAgo = a.Raw(Rtm.NDA_CACHEINFO) is { Length: >= 12 } ci
                        ? TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt32LittleEndian(ci.Span[8..]) * 10.0)
                        : null,
                });
        }
        return result;
    }

    private IEnumerable<(ReadOnlyMemory<byte> Body, int Index, ushort State, byte Flags)> DumpNeighbours(byte family, string subject)
    {
        var w = new NetlinkMessageWriter(Rtm.GETNEIGH, Rtm.NLM_F_DUMP);
        w.Header(NdMsgSize)[0] = family;
        foreach (var (type, body) in Send(w, subject))
        {
            if (type != Rtm.NEWNEIGH || body.Length < NdMsgSize) continue;
            var h = body.Span;
            yield return (body, BinaryPrimitives.ReadInt32LittleEndian(h[4..]), BinaryPrimitives.ReadUInt16LittleEndian(h[8..]), h[10]);
        }
    }

    private void ModifyNeighbour(ushort type, ushort flags, string dev, IPAddress address, PhysicalAddress? mac)
    {
        var w = NeighbourRequest(type, flags, dev, Family(address), Rtm.NUD_PERMANENT, 0);
        w.Attribute(Rtm.NDA_DST, address.GetAddressBytes());
        if (mac is not null) w.Attribute(Rtm.NDA_LLADDR, mac.GetAddressBytes());
        Send(w, mac is null ? $"neighbour {address} on '{dev}'" : $"neighbour {address} ({mac}) on '{dev}'");
    }

    private void ModifyFdb(ushort type, ushort flags, string dev, PhysicalAddress mac, FdbTarget target, IPAddress? destination)
    {
        // A vxlan device's own table wants "permanent"; a bridge port's entry is "static" (NOARP), as `bridge fdb` does.
        var (ntf, state) = target == FdbTarget.Self ? (Rtm.NTF_SELF, Rtm.NUD_PERMANENT) : (Rtm.NTF_MASTER, Rtm.NUD_NOARP);
        var w = NeighbourRequest(type, flags, dev, Rtm.AF_BRIDGE, state, ntf);
        w.Attribute(Rtm.NDA_LLADDR, mac.GetAddressBytes());
        if (destination is not null) w.Attribute(Rtm.NDA_DST, destination.GetAddressBytes());
        var dst = destination is null ? "" : $" dst {destination}";
        Send(w, $"fdb entry {FormatMac(mac)}{dst} on '{dev}' ({target.ToString().ToLowerInvariant()})");
    }

    private NetlinkMessageWriter NeighbourRequest(ushort type, ushort flags, string dev, byte family, ushort state, byte ntf)
    {
        var index = GetLink(dev).Index;
        var w = new NetlinkMessageWriter(type, flags);
        var h = w.Header(NdMsgSize);
        h[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], state);
        h[10] = ntf;
        return w;
    }

    /// <summary>aa:bb:cc:dd:ee:ff, the way ip and bridge print MACs.</summary>
    public static string FormatMac(PhysicalAddress mac) => string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2")));
}
