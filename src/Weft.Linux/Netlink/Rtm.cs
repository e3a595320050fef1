namespace Weft.Linux.Netlink;

/// <summary>Netlink and rtnetlink constants from linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/neighbour.h.</summary>
internal static class Rtm
{
    // nlmsghdr types and flags
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLM_F_REPLACE = 0x100;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;
    public const ushort NLM_F_APPEND = 0x800;
    public const ushort NLM_F_CAPPED = 0x100; // in NLMSG_ERROR
    public const ushort NLM_F_ACK_TLVS = 0x200; // in NLMSG_ERROR
    public const int SOL_NETLINK = 270;
    public const int NETLINK_CAP_ACK = 10;
    public const int NETLINK_EXT_ACK = 11;
    public const ushort NLMSGERR_ATTR_MSG = 1;

    // message types
    public const ushort NEWLINK = 16, DELLINK = 17, GETLINK = 18;
    public const ushort NEWADDR = 20, DELADDR = 21, GETADDR = 22;
    public const ushort NEWROUTE = 24, DELROUTE = 25, GETROUTE = 26;
    public const ushort NEWNEIGH = 28, DELNEIGH = 29, GETNEIGH = 30;

    public static string Name(ushort type) => type switch
    {
        NEWLINK => "RTM_NEWLINK", DELLINK => "RTM_DELLINK", GETLINK => "RTM_GETLINK",
        NEWADDR => "RTM_NEWADDR", DELADDR => "RTM_DELADDR", GETADDR => "RTM_GETADDR",
        NEWROUTE => "RTM_NEWROUTE", DELROUTE => "RTM_DELROUTE", GETROUTE => "RTM_GETROUTE",
        NEWNEIGH => "RTM_NEWNEIGH", DELNEIGH => "RTM_DELNEIGH", GETNEIGH => "RTM_GETNEIGH",
        _ => $"RTM_{type}",
    };

    // address families
    public const byte AF_UNSPEC = 0, AF_INET = 2, AF_BRIDGE = 7, AF_INET6 = 10;

    // ifinfomsg flags
    public const uint IFF_UP = 0x1;
    public const uint IFF_LOWER_UP = 0x10000;

    // IFLA_*
    public const ushort IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5, IFLA_MASTER = 10;
    public const ushort IFLA_OPERSTATE = 16, IFLA_LINKINFO = 18, IFLA_NET_NS_FD = 28;
    public const ushort IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;
    public const ushort VETH_INFO_PEER = 1;
    public const ushort IFLA_VXLAN_ID = 1, IFLA_VXLAN_GROUP = 2, IFLA_VXLAN_LINK = 3, IFLA_VXLAN_LOCAL = 4;
    public const ushort IFLA_VXLAN_LEARNING = 7, IFLA_VXLAN_PROXY = 11, IFLA_VXLAN_PORT = 15, IFLA_VXLAN_GROUP6 = 16, IFLA_VXLAN_LOCAL6 = 17;
    public const ushort IFLA_VXLAN_UDP_CSUM = 18;
    public const ushort IFLA_STATS64 = 23, IFLA_LINK_NETNSID = 37;

    // network namespace ids (RTM_GETNSID, linux/net_namespace.h)
    public const ushort NEWNSID = 88, GETNSID = 90;
    public const ushort NETNSA_NSID = 1, NETNSA_FD = 3;

    // rtnetlink multicast groups (RTNLGRP_*), joined with NETLINK_ADD_MEMBERSHIP
    public const int NETLINK_ADD_MEMBERSHIP = 1;
    public const int RTNLGRP_LINK = 1, RTNLGRP_NEIGH = 3;

    // IFA_*
    public const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3;
    public const byte IFA_F_NODAD = 0x02;

    // RTA_* and rtmsg values
    public const ushort RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_TABLE = 15;
    public const byte RT_TABLE_MAIN = 254;
    public const byte RTPROT_BOOT = 3;
    public const byte RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_NOWHERE = 255;
    public const byte RTN_UNICAST = 1;

    // NDA_* and ndmsg values
    public const ushort NDA_DST = 1, NDA_LLADDR = 2, NDA_CACHEINFO = 3, NDA_MASTER = 9;
    public const ushort NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    public const byte NTF_SELF = 0x02, NTF_MASTER = 0x04;
}
