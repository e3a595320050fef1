using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// Sizes and markers of Weft's sealed VXLAN datagram (docs/sealing.md has the byte diagram):
/// <code>
/// | VXLAN header (8, I and S flags) | seal header (16: version, epoch, sender, counter) | AES-256-GCM ciphertext of the inner frame | tag (16) |
/// </code>
/// The VXLAN and seal headers travel in clear (the receiver needs the VNI to find the key ring and the epoch to find the key)
/// and are the AEAD's associated data, so they are authenticated; the 12-byte nonce is the seal header's sender and counter.
/// The associated data also binds the datagram to its receiver: the receiver's underlay address (16 bytes, IPv4-mapped),
/// known to both ends and never transmitted, follows the two headers. So a datagram sealed for one member does not open at
/// another member that holds the same group key (no cross-receiver replay).
/// </summary>
public static class SealFormat
{
    /// <summary>
    /// Seal format version carried in the first byte of the seal header. 2: the receiver's address is part of the associated
    /// data (version 1 lacked it and is refused as BadSeal).
    /// </summary>
    public const byte Version = 2;

    /// <summary>
    /// VXLAN flag bit marking a sealed datagram ("S"). RFC 7348 reserves it; neither VXLAN-GBP (0x80) nor VXLAN-GPE
    /// (0x30, 0x04, 0x02, 0x01) uses it, and the Linux vxlan driver drops datagrams with unknown flags, so a kernel VTEP never
    /// mistakes a sealed datagram for a plain frame.
    /// </summary>
    public const byte FlagSealed = 0x40;

    /// <summary>Version (1 byte) + key epoch (3) + sender id (4) + counter (8).</summary>
    public const int HeaderSize = 16;

    /// <summary>AES-GCM authentication tag.</summary>
    public const int TagSize = 16;

    /// <summary>AES-GCM nonce: sender id (4) + counter (8), i.e. the last 12 bytes of the seal header.</summary>
    public const int NonceSize = 12;

    /// <summary>AES-256 key length.</summary>
    public const int KeySize = 32;

    /// <summary>Bytes a seal adds to a plain VXLAN datagram: the overlay MTU of an encrypted network is this much smaller.</summary>
    public const int Overhead = HeaderSize + TagSize;

    /// <summary>Everything in front of the ciphertext (VXLAN + seal header): the associated data.</summary>
    public const int AssociatedDataSize = VxlanHeader.Size + HeaderSize;

    /// <summary>The receiver's underlay address in the associated data (not on the wire): 16 bytes, IPv4 mapped into IPv6.</summary>
    public const int ReceiverSize = 16;

    /// <summary>All the associated data the AEAD authenticates: the two headers and the receiver's address.</summary>
    public const int AuthenticatedSize = AssociatedDataSize + ReceiverSize;

    /// <summary>Smallest sealed datagram worth opening: headers, an inner Ethernet header, the tag.</summary>
    public const int MinDatagram = AssociatedDataSize + EthernetHeader.Size + TagSize;

    /// <summary>Largest key epoch (24 bits on the wire).</summary>
    public const uint MaxEpoch = 0xFFFFFF;

    /// <summary>The AEAD, as shown by inspect.</summary>
    public const string Algorithm = "AES-256-GCM";

    /// <summary>
    /// Writes the associated data of a datagram whose VXLAN and seal headers are <paramref name="headers"/> (24 bytes) and
    /// whose receiver is <paramref name="receiver"/> into <paramref name="destination"/> (<see cref="AuthenticatedSize"/>
    /// bytes, e.g. stackalloc'd: no allocation) and returns it.
    /// </summary>
    public static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> headers, PeerEndpoint receiver, Span<byte> destination)
    {
        headers[..AssociatedDataSize].CopyTo(destination);
        receiver.WriteMappedAddress(destination[AssociatedDataSize..]);
        return destination[..AuthenticatedSize];
    }

    /// <summary>True when the VXLAN flags byte of <paramref name="datagram"/> carries the S flag.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> datagram) => !datagram.IsEmpty && (datagram[0] & FlagSealed) != 0;
}
