namespace Weft.Cluster.Liveness;

/// <summary>Liveness timing. Defaults: heartbeat every second, down after 5 s of silence, endpoints withdrawn 15 s after that.</summary>
public sealed record MembershipOptions
{
    /// <summary>How often a node writes its heartbeat and how often the manager checks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Silence after which the manager marks a node down.</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time a node stays down before its endpoints are withdrawn.</summary>
    public TimeSpan WithdrawGrace { get; init; } = TimeSpan.FromSeconds(15);
}
