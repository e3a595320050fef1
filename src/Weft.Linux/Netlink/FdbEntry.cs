using System.Net;
using System.Net.NetworkInformation;

namespace Weft.Linux.Netlink;

/// <summary>Which forwarding database an FDB request is for.</summary>
public enum FdbTarget
{
    /// <summary>NTF_SELF: the device's own table (a vxlan device's MAC -> remote VTEP table).</summary>
    Self,

    /// <summary>NTF_MASTER: the table of the bridge the device is a port of (a static entry).</summary>
    Master,
}

/// <summary>One bridge / vxlan FDB entry (AF_BRIDGE neighbour).</summary>
/// <param name="Index">Interface the entry points at.</param>
/// <param name="Destination">Remote VTEP address for vxlan entries, null otherwise.</param>
/// <param name="MasterIndex">Bridge index for entries of a bridge's table, 0 otherwise.</param>
/// <param name="Flags">NTF_* flags (0x02 self, 0x04 master...).</param>
/// <param name="State">NUD_* state (0x80 permanent, 0x40 static/noarp...).</param>
public sealed record FdbEntry(int Index, PhysicalAddress Mac, IPAddress? Destination, int MasterIndex, byte Flags, ushort State)
{
    public bool IsSelf => (Flags & 0x02) != 0;

    public bool IsMaster => (Flags & 0x04) != 0;

    /// <summary>Learned from traffic (the kernel's own entry, which ages out), not written as permanent or static.</summary>
    public bool IsLearned => (State & (Rtm.NUD_PERMANENT | Rtm.NUD_NOARP)) == 0;

    /// <summary>How long ago the entry was last confirmed by a frame (NDA_CACHEINFO's ndm_updated), when the kernel says.</summary>
    public TimeSpan? UpdatedAgo { get; init; }
}
