using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>Parameters of a kernel vxlan device (IFLA_VXLAN_*).</summary>
/// <param name="Vni">24-bit VXLAN network identifier.</param>
/// <param name="Port">UDP destination port (IANA 4789).</param>
/// <param name="Local">Source address of outer packets, or null to let routing choose.</param>
/// <param name="Learning">Learn remote MACs from received packets (off when the FDB is programmed).</param>
/// <param name="UnderlyingDevice">Underlay interface name (IFLA_VXLAN_LINK), or null.</param>
/// <param name="Proxy">Answer ARP from the device's neighbour table instead of flooding it (IFLA_VXLAN_PROXY).</param>
/// <param name="UdpChecksum">Compute the outer UDP checksum (IFLA_VXLAN_UDP_CSUM; off: zero checksums).</param>
public sealed record VxlanOptions(
    uint Vni, ushort Port = 4789, IPAddress? Local = null, bool Learning = false, string? UnderlyingDevice = null, bool Proxy = false, bool UdpChecksum = false);
