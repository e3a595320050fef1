using System.Security.Cryptography;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// One AES-256-GCM key, sealing and opening in place. NSec (libsodium's AES-NI/PCLMUL code, state precomputed at import)
/// when the CPU supports it, as it measured twice as fast per 1400-byte packet as the BCL's <see cref="AesGcm"/>; the BCL
/// (OpenSSL) otherwise. Both produce the same bytes (tested), so hosts may differ.
/// </summary>
public abstract class SealKey : IDisposable
{
    /// <summary>Which implementation <see cref="Create"/> picks on this machine (for inspect).</summary>
    public static string Implementation => NSecSealKey.IsSupported ? NSecSealKey.Name : BclSealKey.Name;

    /// <summary>Imports a 32-byte key into the fastest implementation available.</summary>
    public static SealKey Create(ReadOnlySpan<byte> key)
    {
        if (key.Length != SealFormat.KeySize) throw new ArgumentException($"an AES-256 key has {SealFormat.KeySize} bytes, not {key.Length}", nameof(key));
        return NSecSealKey.IsSupported ? new NSecSealKey(key) : new BclSealKey(key);
    }

    /// <summary>
    /// Encrypts the first <paramref name="plaintextLength"/> bytes of <paramref name="data"/> in place and writes the tag
    /// right after them; <paramref name="data"/> must be <paramref name="plaintextLength"/> + 16 bytes long.
    /// </summary>
    public abstract void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, int plaintextLength);

    /// <summary>
    /// Verifies and decrypts <paramref name="data"/> (ciphertext followed by the tag) in place: on success the plaintext is
    /// the first data.Length − 16 bytes. False, never an exception, when authentication fails.
    /// </summary>
    public abstract bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data);

    public abstract void Dispose();
}
