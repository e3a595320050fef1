namespace Weft.Cluster.Liveness;

public enum MembershipChangeKind
{
    /// <summary>The manager saw the node for the first time (or again after it was removed).</summary>
    Seen,

    /// <summary>A node that was down heartbeats again.</summary>
    Up,

    /// <summary>No heartbeat for <see cref="MembershipOptions.DownAfter"/>: the node is marked down in the store.</summary>
    Down,

    /// <summary>Down for <see cref="MembershipOptions.WithdrawGrace"/>: its endpoints were withdrawn.</summary>
    Withdrawn,
}

/// <summary>One change the manager's membership check made or observed; <see cref="WithdrawnEndpoints"/> counts deleted endpoint keys.</summary>
public sealed record MembershipChange(string NodeId, MembershipChangeKind Kind, int WithdrawnEndpoints = 0);
