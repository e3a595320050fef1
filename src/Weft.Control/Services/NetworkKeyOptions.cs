namespace Weft.Control.Services;

/// <summary>Timing of key rotation on the manager.</summary>
public sealed record NetworkKeyOptions
{
    /// <summary>Rotation interval of networks without "encryption-rotation".</summary>
    public TimeSpan DefaultRotation { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// From adding a new epoch (every member installs it) to sealing with it at the earliest; activation then waits until
    /// every member host confirmed the epoch installed (keyinstalled/), at most <see cref="ConfirmTimeout"/> longer.
    /// </summary>
    public TimeSpan ActivateDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long past <see cref="ActivateDelay"/> activation waits for members that have not confirmed (a host that is down
    /// must not stop rotations for good); a member that had not installed the epoch then drops it as UnknownKey until it does.
    /// </summary>
    public TimeSpan ConfirmTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a pending activation re-checks the members' confirmations.</summary>
    public TimeSpan ConfirmPoll { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>From sealing with the new epoch to retiring the old one: longer than any datagram is in flight.</summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromSeconds(30);
}
