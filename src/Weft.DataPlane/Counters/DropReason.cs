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

    /// <summary>A unicast frame to a MAC with no forwarding entry (on a network without external VTEPs, which get unknown unicast).</summary>
    UnknownDestination,

    /// <summary>An ARP request for an address that is not a remote endpoint (local ones are answered by the bridge); on a network with external VTEPs it goes to them instead.</summary>
    ArpNotRemote,

    /// <summary>ARP that is not a request (replies, gratuitous ARP): ARP never crosses the underlay (but to external VTEPs).</summary>
    ArpNotForwarded,

    /// <summary>Broadcast or multicast on a VNI that has no peers yet.</summary>
    NoPeers,

    /// <summary>No room in front of the frame for the outer headers (or behind it for a seal's tag).</summary>
    NoHeadroom,

    /// <summary>Encrypted VNI: a datagram without a seal (fail closed: nothing unauthenticated reaches the device).</summary>
    Unsealed,

    /// <summary>A sealed datagram whose key epoch is not installed here (or a sealed datagram on a VNI not encrypted here).</summary>
    UnknownKey,

    /// <summary>A seal that does not authenticate (forged or tampered: header, ciphertext or tag) or has an unknown format.</summary>
    BadSeal,

    /// <summary>A sealed datagram whose counter was already accepted from that sender with that key, or is older than the window.</summary>
    Replay,

    /// <summary>Outbound on an encrypted VNI with no active key yet: dropped, never sent in clear.</summary>
    NoKey,

    /// <summary>Outbound on an encrypted VNI when the nonce counter could not reserve numbers (state file not writable).</summary>
    NoNonce,

    /// <summary>
    /// A sealed datagram under an epoch that was already in use when this host's key ring was built (after a restart or a
    /// rejoin): the replay windows of that epoch were lost, so it could be a replay; refused until the fresh epoch the host
    /// asked for is active.
    /// </summary>
    StaleEpoch,
}
