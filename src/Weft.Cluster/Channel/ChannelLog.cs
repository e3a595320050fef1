using System.Net;
using Microsoft.Extensions.Logging;

namespace Weft.Cluster.Channel;

/// <summary>Channel log messages. They name peers and reasons, never tokens or keys.</summary>
internal static partial class ChannelLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "cluster channel listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster channel refused {Remote}: {Reason}")]
    public static partial void Refused(ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "cluster channel connection from {Remote} ({Node}) ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, EndPoint? remote, string node, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster call {Method} from {Node} failed: {Reason}")]
    public static partial void CallFailed(ILogger logger, string method, string node, string reason);
}
