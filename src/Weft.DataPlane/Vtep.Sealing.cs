using System.Collections.Concurrent;
using Weft.DataPlane.Seams;
using Weft.DataPlane.Sealing;

namespace Weft.DataPlane;

public sealed partial class Vtep
{
    /// <summary>Bytes a seal adds to each datagram: subtract from the overlay MTU of an encrypted network (32).</summary>
    public const int SealOverhead = SealFormat.Overhead;

    private readonly ConcurrentDictionary<uint, KeyRing> _encryption = new();

    /// <summary>
    /// Makes <paramref name="vni"/> an encrypted network using <paramref name="keyRing"/> (fail closed from this call on:
    /// every outbound datagram sealed or dropped, every inbound datagram opened or dropped). Call before attaching the
    /// network's device, so no frame ever leaves in clear. Replaces an earlier ring (the caller disposes rings).
    /// </summary>
    public void SetEncryption(uint vni, KeyRing keyRing) => _encryption[vni] = keyRing;

    /// <summary>Makes <paramref name="vni"/> a plain network again; false when it was not encrypted.</summary>
    public bool ClearEncryption(uint vni) => _encryption.TryRemove(vni, out _);

    /// <summary>
    /// Makes <paramref name="vni"/> plain again only while <paramref name="keyRing"/> is its ring; false when another ring
    /// replaced it (a network recreated with the same VNI) or it was not encrypted.
    /// </summary>
    public bool ClearEncryption(uint vni, KeyRing keyRing) => _encryption.TryRemove(new KeyValuePair<uint, KeyRing>(vni, keyRing));

    /// <summary>The key ring of an encrypted <paramref name="vni"/> (for status and rotation).</summary>
    public bool TryGetEncryption(uint vni, out KeyRing keyRing) => _encryption.TryGetValue(vni, out keyRing!);

    /// <summary>Attaches the device of an encrypted network, with its key ring set first (so it is never plain).</summary>
    public void AttachNetwork(uint vni, IFrameDevice device, KeyRing keyRing)
    {
        SetEncryption(vni, keyRing);
        AttachNetwork(vni, device);
    }

    private KeyRing? EncryptionOf(uint vni) => _encryption.TryGetValue(vni, out var ring) ? ring : null;
}
