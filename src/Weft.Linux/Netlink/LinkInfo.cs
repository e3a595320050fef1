using System.Net.NetworkInformation;

namespace Weft.Linux.Netlink;

/// <summary>RFC 2863 operational state as reported in IFLA_OPERSTATE.</summary>
public enum LinkOperState : byte
{
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
}

/// <summary>One network interface as the kernel reports it.</summary>
/// <param name="Kind">"veth", "bridge", "vxlan", "tun"... or null for links without IFLA_INFO_KIND (lo).</param>
/// <param name="MasterIndex">Index of the bridge the link is enslaved to, 0 if none.</param>
/// <param name="IsAdminUp">IFF_UP: the link was set up.</param>
public sealed record LinkInfo(
    int Index,
    string Name,
    string? Kind,
    int Mtu,
    PhysicalAddress? Mac,
    int MasterIndex,
    bool IsAdminUp,
    bool IsLowerUp,
    LinkOperState OperState)
{
    /// <summary>Carrier and admin up (lo and TAPs report operstate UNKNOWN when up).</summary>
    public bool IsOperUp => OperState == LinkOperState.Up || (OperState == LinkOperState.Unknown && IsAdminUp && IsLowerUp);
}
