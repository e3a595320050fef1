using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    private const int RtMsgSize = 12;

    /// <summary><c>ip route add DST/PREFIX [via GATEWAY] [dev DEV]</c> in the main table. Throws EEXIST if the route is there.</summary>
    public void AddRoute(IPAddress destination, int prefixLength, IPAddress? gateway = null, string? dev = null) =>
        ModifyRoute(Rtm.NEWROUTE, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_EXCL, destination, prefixLength, gateway, dev);

    /// <summary><c>ip route del DST/PREFIX [via GATEWAY] [dev DEV]</c>. Throws ESRCH if there is no such route.</summary>
    public void DeleteRoute(IPAddress destination, int prefixLength, IPAddress? gateway = null, string? dev = null) =>
        ModifyRoute(Rtm.DELROUTE, Rtm.NLM_F_ACK, destination, prefixLength, gateway, dev);

    /// <summary>Unicast routes of the main table for one address family.</summary>
    public IReadOnlyList<RouteInfo> ListRoutes(AddressFamily family = AddressFamily.InterNetwork)
    {
        var w = new NetlinkMessageWriter(Rtm.GETROUTE, Rtm.NLM_F_DUMP);
        var h = w.Header(RtMsgSize);
        h[0] = family == AddressFamily.InterNetwork ? Rtm.AF_INET : Rtm.AF_INET6;
        var result = new List<RouteInfo>();
        foreach (var (type, body) in Send(w, "routes"))
        {
            if (type != Rtm.NEWROUTE || body.Length < RtMsgSize) continue;
            var r = body.Span;
            var a = NetlinkAttributes.Parse(body[RtMsgSize..]);
            var table = a.U32(Rtm.RTA_TABLE) ?? r[4];
            if (table != Rtm.RT_TABLE_MAIN || r[7] != Rtm.RTN_UNICAST) continue;
            var destination = a.Address(Rtm.RTA_DST) ?? (r[0] == Rtm.AF_INET ? IPAddress.Any : IPAddress.IPv6Any);
            result.Add(new RouteInfo(destination, r[1], a.Address(Rtm.RTA_GATEWAY), (int)(a.U32(Rtm.RTA_OIF) ?? 0)));
        }
        return result;
    }

    private void ModifyRoute(ushort type, ushort flags, IPAddress destination, int prefixLength, IPAddress? gateway, string? dev)
    {
        if (gateway is null && dev is null)
            throw new ArgumentException($"route {destination}/{prefixLength}: needs a gateway or a device");
        var maxPrefix = destination.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength < 0 || prefixLength > maxPrefix)
            throw new ArgumentOutOfRangeException(nameof(prefixLength), $"route {destination}/{prefixLength}: prefix length must be 0..{maxPrefix}");
        var index = dev is null ? 0 : GetLink(dev).Index;
        var w = new NetlinkMessageWriter(type, flags);
        var h = w.Header(RtMsgSize);
        h[0] = Family(destination);
        h[1] = (byte)prefixLength;
        h[4] = Rtm.RT_TABLE_MAIN;
        if (type == Rtm.NEWROUTE)
        {
            h[5] = Rtm.RTPROT_BOOT;
            h[6] = gateway is null ? Rtm.RT_SCOPE_LINK : Rtm.RT_SCOPE_UNIVERSE;
            h[7] = Rtm.RTN_UNICAST;
        }
        else
        {
            h[6] = Rtm.RT_SCOPE_NOWHERE;
        }
        if (prefixLength > 0) w.Attribute(Rtm.RTA_DST, destination.GetAddressBytes());
        if (gateway is not null) w.Attribute(Rtm.RTA_GATEWAY, gateway.GetAddressBytes());
        if (index != 0) w.U32(Rtm.RTA_OIF, (uint)index);
        var via = gateway is null ? "" : $" via {gateway}";
        var on = dev is null ? "" : $" dev '{dev}'";
        Send(w, $"route {destination}/{prefixLength}{via}{on}");
    }
}
