using System.Buffers.Binary;
using Weft.Linux.Namespaces;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// The id, in this connection's namespace, of the namespace a link's underlay side lives in (IFLA_LINK_NETNSID): for a
    /// vxlan device made in another namespace and moved here, the id of the namespace its UDP socket is in. Null when the
    /// link's underlay side is in this namespace itself.
    /// </summary>
    public int? LinkNamespaceId(string name)
    {
        var a = NetlinkAttributes.Parse(RequestLink(name)[IfInfoSize..]);
        return a.U32(Rtm.IFLA_LINK_NETNSID) is { } id ? (int)id : null;
    }

    /// <summary>
    /// The id this connection's namespace gives <paramref name="other"/> (RTM_GETNSID with NETNSA_FD), or -1 when it has
    /// given it none (nothing here refers to that namespace).
    /// </summary>
    public int NamespaceId(NamespaceHandle other)
    {
        var w = new NetlinkMessageWriter(Rtm.GETNSID, Rtm.NLM_F_ACK);
        w.Header(4); // struct rtgenmsg, padded
        w.U32(Rtm.NETNSA_FD, (uint)other.Fd);
        foreach (var (type, body) in Send(w, $"id of namespace '{other.Name}'"))
        {
            if (type != Rtm.NEWNSID || body.Length < 4) continue;
            if (NetlinkAttributes.Parse(body[4..]).Raw(Rtm.NETNSA_NSID) is { Length: 4 } id) return BinaryPrimitives.ReadInt32LittleEndian(id.Span);
        }
        return -1;
    }
}
