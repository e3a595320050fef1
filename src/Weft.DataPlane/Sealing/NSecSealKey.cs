using NSec.Cryptography;

namespace Weft.DataPlane.Sealing;

/// <summary>AES-256-GCM by NSec over libsodium (needs AES-NI and PCLMUL). The key lives in libsodium's guarded memory.</summary>
internal sealed class NSecSealKey : SealKey
{
    public const string Name = "libsodium (NSec)";
    private static readonly Aes256Gcm Algorithm = AeadAlgorithm.Aes256Gcm;
    private readonly Key _key;

    public NSecSealKey(ReadOnlySpan<byte> key)
    {
        _key = Key.Import(Algorithm, key, KeyBlobFormat.RawSymmetricKey);
    }

    public static bool IsSupported => Aes256Gcm.IsSupported;

    public override void Seal(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data, int plaintextLength) =>
        Algorithm.Encrypt(_key, nonce, associatedData, data[..plaintextLength], data);

    public override bool TryOpen(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, Span<byte> data) =>
        data.Length >= SealFormat.TagSize && Algorithm.Decrypt(_key, nonce, associatedData, data, data[..^SealFormat.TagSize]);

    public override void Dispose() => _key.Dispose();
}
