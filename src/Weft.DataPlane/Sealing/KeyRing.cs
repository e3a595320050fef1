namespace Weft.DataPlane.Sealing;

/// <summary>
/// The keys of one encrypted network (VNI) on this host, by epoch, and which one seals outbound traffic.
///
/// Rotation without loss is three steps the agent drives (the control plane decides when): <see cref="Install"/> the new
/// epoch on every member (from then on each accepts it), <see cref="Activate"/> it (each sends with it; do this once all
/// members have it, or after a delay longer than distribution takes), and <see cref="Retire"/> the old epoch after an overlap
/// longer than any packet can be in flight. During the overlap both keys are accepted. A datagram sealed with an epoch not
/// installed here is dropped as UnknownKey; with no active epoch, outbound is dropped as NoKey, never sent in clear.
/// Readers on the data path see immutable snapshots (no lock per packet); writes are serialized.
/// </summary>
public sealed class KeyRing : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _write = new();
    private volatile KeyEpoch[] _epochs = [];
    private volatile KeyEpoch? _sending;
    private DateTimeOffset? _sendingSince;
    private volatile uint _receiveFrom;

    public KeyRing(SealSender sender, TimeProvider? time = null)
    {
        Sender = sender;
        _time = time ?? TimeProvider.System;
    }

    public SealSender Sender { get; }

    /// <summary>The epoch outbound traffic is sealed with, or null before the first <see cref="Activate"/>.</summary>
    public uint? SendEpoch => _sending?.Epoch;

    /// <summary>
    /// The oldest epoch accepted inbound (0: all installed ones). Replay windows live in memory only, so a ring built after
    /// this host lost its earlier ring (restart, rejoin) must not accept epochs that were in use before: a datagram captured
    /// then would be accepted once more. Such a ring asks the key service for a fresh epoch (one no host has sealed with yet)
    /// and sets it here; it keeps sending with the current epoch (nonces are persisted, so that stays safe).
    /// </summary>
    public uint ReceiveFrom => _receiveFrom;

    /// <summary>Refuses inbound datagrams under epochs below <paramref name="epoch"/> from now on (never lowers the floor).</summary>
    public void ReceiveOnlyFrom(uint epoch)
    {
        lock (_write)
        {
            if (epoch > _receiveFrom) _receiveFrom = epoch;
        }
    }

    /// <summary>The installed epochs, oldest first.</summary>
    public IReadOnlyList<uint> Epochs => _epochs.Select(e => e.Epoch).ToList();

    internal KeyEpoch? Sending => _sending;

    /// <summary>
    /// Accepts <paramref name="key"/> (32 bytes) for <paramref name="epoch"/> from now on; does not send with it yet.
    /// Installing the same key again is a no-op; a different key for an installed epoch is refused (epochs never change key).
    /// </summary>
    public void Install(uint epoch, ReadOnlySpan<byte> key)
    {
        if (epoch > SealFormat.MaxEpoch) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"install seal key: an epoch has 24 bits (0..{SealFormat.MaxEpoch})");
        if (key.Length != SealFormat.KeySize) throw new ArgumentException($"install seal key epoch {epoch}: a key has {SealFormat.KeySize} bytes, not {key.Length}", nameof(key));
        lock (_write)
        {
            var existing = Find(epoch);
            if (existing is not null)
            {
                if (existing.HasSameKey(key)) return;
                throw new InvalidOperationException($"install seal key epoch {epoch}: a different key is already installed for that epoch");
            }
            var added = new KeyEpoch(epoch, key, _time.GetUtcNow());
            _epochs = [.. _epochs, added];
        }
    }

    /// <summary>Seals outbound traffic with <paramref name="epoch"/> from now on; it must be installed.</summary>
    public void Activate(uint epoch)
    {
        lock (_write)
        {
            var chosen = Find(epoch) ?? throw new InvalidOperationException($"activate seal key epoch {epoch}: not installed (installed: {string.Join(", ", Epochs)})");
            if (ReferenceEquals(chosen, _sending)) return;
            _sendingSince = _time.GetUtcNow();
            _sending = chosen;
        }
    }

    /// <summary>
    /// Stops accepting <paramref name="epoch"/> and erases its key; false when it was not installed. Retiring the active epoch
    /// leaves the ring without a send key (outbound dropped as NoKey) until another is activated.
    /// </summary>
    public bool Retire(uint epoch)
    {
        KeyEpoch? removed;
        lock (_write)
        {
            removed = Find(epoch);
            if (removed is null) return false;
            _epochs = _epochs.Where(e => !ReferenceEquals(e, removed)).ToArray();
            if (ReferenceEquals(_sending, removed))
            {
                _sending = null;
                _sendingSince = null;
            }
        }
        removed.Dispose(); // a datagram being sealed or opened with it right now is dropped (counted), nothing worse
        return true;
    }

    /// <summary>Retires every epoch except the active one (the end of a rotation's overlap); returns how many.</summary>
    public int RetireAllButSending()
    {
        var sending = _sending;
        var count = 0;
        foreach (var epoch in _epochs)
        {
            if (!ReferenceEquals(epoch, sending) && Retire(epoch.Epoch)) count++;
        }
        return count;
    }

    public KeyRingStatus Status()
    {
        lock (_write)
        {
            var sending = _sending;
            return new KeyRingStatus(
                SealFormat.Algorithm, SealKey.Implementation, Sender.SenderId, sending?.Epoch, _sendingSince,
                _epochs.Select(e => new KeyEpochStatus(e.Epoch, e.FingerprintHex, e.InstalledAt, ReferenceEquals(e, sending), e.KnownSenders)).ToList(),
                _receiveFrom);
        }
    }

    /// <summary>The installed key of <paramref name="epoch"/>, or null (lock-free, allocation-free).</summary>
    internal KeyEpoch? Find(uint epoch)
    {
        foreach (var e in _epochs)
        {
            if (e.Epoch == epoch) return e;
        }
        return null;
    }

    public void Dispose()
    {
        KeyEpoch[] all;
        lock (_write)
        {
            all = _epochs;
            _epochs = [];
            _sending = null;
            _sendingSince = null;
        }
        foreach (var e in all) e.Dispose();
    }
}
