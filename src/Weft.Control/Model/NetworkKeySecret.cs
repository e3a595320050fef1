namespace Weft.Control.Model;

/// <summary>
/// The keys of an encrypted network (stored at <see cref="Keys.SecretKeys"/> in the manager's store only; the store
/// service never serves <see cref="Keys.SecretsPrefix"/> to remote callers). 32 random bytes per epoch.
/// </summary>
public sealed record NetworkKeySecret
{
    public required IReadOnlyList<EpochKey> Keys { get; init; }
}

/// <summary>One epoch's 32-byte key.</summary>
public sealed record EpochKey(uint Epoch, byte[] Key);
