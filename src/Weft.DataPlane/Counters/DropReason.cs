namespace Weft.DataPlane.Counters;

/// <summary>Why the VTEP dropped a packet. Every drop is counted under exactly one reason.</summary>
public enum DropReason
{
    /// <summary>A datagram too short to hold a VXLAN header and an inner Ethernet header.</summary>
    Truncated,

    /// <summary>A datagram whose VXLAN header lacks the I flag (RFC 7348: VNI not valid).</summary>
    NotVxlan,

    /// <summary>A VNI this host does not take part in.</summary>
    UnknownVni,

    /// <summary>A sender that is not a known peer of that VNI (admission).</summary>
    UnknownPeer,

    /// <summary>An inner frame that is not sane Ethernet (e.g. a group source MAC).</summary>
    InvalidInnerFrame,

    /// <summary>An outbound frame too short to be Ethernet.</summary>
    InvalidLocalFrame,

    /// <summary>A unicast frame to a MAC with no forwarding entry.</summary>
    UnknownDestination,

    /// <summary>An ARP request for an address that is not a remote endpoint (local ones are answered by the bridge).</summary>
    ArpNotRemote,

    /// <summary>ARP that is not a request (replies, gratuitous ARP): ARP never crosses the underlay.</summary>
    ArpNotForwarded,

    /// <summary>Broadcast or multicast on a VNI that has no peers yet.</summary>
    NoPeers,

    /// <summary>No room in front of the frame for the outer headers.</summary>
    NoHeadroom,
}
