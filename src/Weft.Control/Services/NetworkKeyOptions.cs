namespace Weft.Control.Services;

/// <summary>Timing of key rotation on the manager.</summary>
public sealed record NetworkKeyOptions
{
    /// <summary>Rotation interval of networks without "encryption-rotation".</summary>
    public TimeSpan DefaultRotation { get; init; } = TimeSpan.FromHours(12);

    /// <summary>From adding a new epoch (every member installs it) to sealing with it: longer than distribution takes.</summary>
    public TimeSpan ActivateDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>From sealing with the new epoch to retiring the old one: longer than any datagram is in flight.</summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromSeconds(30);
}
