namespace Weft.DataPlane.Sealing;

/// <summary>What inspect and diagnose show about the keys of one encrypted network on this host (never the keys).</summary>
/// <param name="Algorithm">The AEAD: "AES-256-GCM".</param>
/// <param name="Implementation">Which library runs it here.</param>
/// <param name="SenderId">This host's sender id in the nonce.</param>
/// <param name="SendEpoch">The epoch outbound datagrams are sealed with; null: none yet (outbound is dropped as NoKey).</param>
/// <param name="SendingSince">When <paramref name="SendEpoch"/> was activated.</param>
/// <param name="Epochs">Every installed key, oldest first.</param>
/// <param name="ReceiveFrom">Oldest epoch accepted inbound (0: every installed one); see <see cref="KeyRing.ReceiveFrom"/>.</param>
public sealed record KeyRingStatus(
    string Algorithm, string Implementation, uint SenderId, uint? SendEpoch, DateTimeOffset? SendingSince, IReadOnlyList<KeyEpochStatus> Epochs,
    uint ReceiveFrom = 0);

/// <param name="Epoch">Key epoch number (24 bits on the wire).</param>
/// <param name="Fingerprint">Hash prefix of the key: equal on hosts holding the same key.</param>
/// <param name="InstalledAt">When this host installed it.</param>
/// <param name="Sending">True for the key outbound datagrams use.</param>
/// <param name="KnownSenders">Senders heard with this key so far.</param>
public sealed record KeyEpochStatus(uint Epoch, string Fingerprint, DateTimeOffset InstalledAt, bool Sending, int KnownSenders);
