using System.Net;
using System.Net.NetworkInformation;

namespace Weft.Linux.Netlink;

/// <summary>One neighbour (ARP / NDP) entry. <paramref name="State"/> is the NUD_* bit set (0x80 permanent, 0x02 reachable...).</summary>
public sealed record NeighbourInfo(int Index, IPAddress Address, PhysicalAddress? Mac, ushort State)
{
    public bool IsPermanent => (State & 0x80) != 0;
}
