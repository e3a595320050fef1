using System.Security.Cryptography;

namespace Weft.DataPlane.Sealing;

/// <summary>
/// AES-256-GCM by the BCL (OpenSSL): the fallback where libsodium's AES-GCM is unavailable (no AES-NI). One key is used at
/// once by the underlay reader (open), every network's device reader (seal) and diagnose probes, but an <see cref="AesGcm"/>
/// instance is not thread-safe (on Linux it keeps one OpenSSL cipher context, its private <c>_ctxHandle</c> with no lock
/// beside it in .NET 10, whose IV a second caller could replace mid-call, sealing a frame under another datagram's nonce),
/// so every call holds the key's lock. The race did not show in 80,000 concurrent calls here; the lock rests on that
/// shared context, not on a reproduced failure.
/// </summary>
internal sealed class BclSealKey : SealKey
{
    public const string Name = "OpenSSL (System.Security.Cryptography.AesGcm)";
    private readonly AesGcm _aes;
    private readonly Lock _use = new();

    public BclSealKey(ReadOnlySpan<byte> key)
    {
        _aes = new AesGcm(key, SealFormat.TagSize);
    }

    public override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, int plaintextLength)
    {
        lock (_use)
        {
            _aes.Encrypt(nonce, data[..plaintextLength], data[..plaintextLength], data.Slice(plaintextLength, SealFormat.TagSize), associatedData);
        }
    }

    public override bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data)
    {
        if (data.Length < SealFormat.TagSize) return false;
        var ciphertext = data[..^SealFormat.TagSize];
        try
        {
            lock (_use)
            {
                _aes.Decrypt(nonce, ciphertext, data[^SealFormat.TagSize..], ciphertext, associatedData);
            }
            return true;
        }
        catch (CryptographicException)
        {
            return false; // AuthenticationTagMismatchException: forged or tampered
        }
    }

    public override void Dispose()
    {
        lock (_use)
        {
            _aes.Dispose();
        }
    }
}
