using Microsoft.Extensions.Logging;

namespace Weft.Cluster.Liveness;

internal static partial class MembershipLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "heartbeat of node {NodeId} failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "membership check failed: {Reason}")]
    public static partial void CheckFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "node {NodeId}: {Kind} (withdrawn endpoints: {Withdrawn})")]
    public static partial void Changed(ILogger logger, string nodeId, MembershipChangeKind kind, int withdrawn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node record {Key} does not parse; ignored")]
    public static partial void Unreadable(ILogger logger, string key);
}
