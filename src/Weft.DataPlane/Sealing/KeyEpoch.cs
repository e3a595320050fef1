using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// One key of a <see cref="KeyRing"/>: its epoch number, the AEAD key, a fingerprint (safe to show and compare between
/// hosts: a hash, not the key) and one <see cref="ReplayWindow"/> per sender seen with this key. Windows are made only
/// for senders whose datagram authenticated, so forged traffic cannot grow the table.
/// </summary>
public sealed class KeyEpoch : IDisposable
{
    private static readonly byte[] FingerprintLabel = Encoding.ASCII.GetBytes("weft seal key fingerprint v1");
    private readonly ConcurrentDictionary<uint, ReplayWindow> _windows = new();
    private readonly byte[] _fingerprint;

    internal KeyEpoch(uint epoch, ReadOnlySpan<byte> key, DateTimeOffset installedAt)
    {
        Epoch = epoch;
        InstalledAt = installedAt;
        _fingerprint = Fingerprint(key);
        Key = SealKey.Create(key);
    }

    public uint Epoch { get; }

    public DateTimeOffset InstalledAt { get; }

    internal SealKey Key { get; }

    /// <summary>First 8 bytes of SHA-256(label ‖ key), hex: equal on two hosts exactly when they hold the same key.</summary>
    public string FingerprintHex => Convert.ToHexStringLower(_fingerprint, 0, 8);

    /// <summary>How many senders have been heard with this key.</summary>
    public int KnownSenders => _windows.Count;

    internal bool HasSameKey(ReadOnlySpan<byte> key) => CryptographicOperations.FixedTimeEquals(_fingerprint, Fingerprint(key));

    /// <summary>The window of <paramref name="senderId"/>, or null before its first authenticated datagram.</summary>
    internal ReplayWindow? FindWindow(uint senderId) => _windows.TryGetValue(senderId, out var window) ? window : null;

    internal ReplayWindow Window(uint senderId) => _windows.GetOrAdd(senderId, static _ => new ReplayWindow());

    public void Dispose() => Key.Dispose();

    private static byte[] Fingerprint(ReadOnlySpan<byte> key)
    {
        Span<byte> input = stackalloc byte[FingerprintLabel.Length + key.Length];
        FingerprintLabel.CopyTo(input);
        key.CopyTo(input[FingerprintLabel.Length..]);
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        return hash;
    }
}
