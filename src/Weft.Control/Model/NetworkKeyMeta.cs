namespace Weft.Control.Model;

/// <summary>
/// What every host may know about an encrypted network's keys (stored at <see cref="Keys.KeyMeta"/>, readable by all):
/// the epochs in use, the one hosts seal with, and the rotation schedule — never the keys themselves. Its changes wake
/// the reconcilers, which then fetch the keys over the cluster channel.
/// </summary>
public sealed record NetworkKeyMeta
{
    public required string NetworkId { get; init; }

    /// <summary>Epochs every member installs (accepts), oldest first.</summary>
    public required IReadOnlyList<KeyEpochMeta> Epochs { get; init; }

    /// <summary>The epoch members seal with.</summary>
    public required uint SendEpoch { get; init; }

    /// <summary>When the next scheduled rotation starts.</summary>
    public required DateTimeOffset NextRotation { get; init; }

    /// <summary>During a rotation: when the newest epoch becomes the send epoch (all members have installed it by then).</summary>
    public DateTimeOffset? ActivateAt { get; init; }

    /// <summary>During a rotation's overlap: when the epochs older than the send epoch are retired.</summary>
    public DateTimeOffset? RetireAt { get; init; }
}

/// <summary>One key epoch as every host may see it.</summary>
public sealed record KeyEpochMeta(uint Epoch, DateTimeOffset CreatedAt);

/// <summary>
/// A member host's confirmation that it has installed (accepts) every epoch up to <paramref name="Epoch"/> of a network
/// (stored at <see cref="Keys.KeyInstalled"/>): the manager activates a rotation's epoch once every member confirmed it.
/// </summary>
public sealed record KeyInstalled(uint Epoch);
