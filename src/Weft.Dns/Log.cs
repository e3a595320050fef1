using System.Net;
using Microsoft.Extensions.Logging;

namespace Weft.Dns;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "DNS: dropped malformed message of {Length} bytes from {Client}: {Reason}")]
    public static partial void Malformed(ILogger logger, int length, EndPoint? client, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DNS: upstream {Upstream} failed for query {Id}: {Reason}")]
    public static partial void UpstreamFailed(ILogger logger, IPEndPoint upstream, int id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DNS: receive on {Local} failed: {Reason}")]
    public static partial void ReceiveFailed(ILogger logger, EndPoint? local, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DNS: answering {Client} failed: {Reason}")]
    public static partial void SendFailed(ILogger logger, EndPoint? client, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DNS: the name lookup failed for {Name}")]
    public static partial void LookupFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "DNS: unexpected error handling a message from {Client}")]
    public static partial void Unexpected(ILogger logger, Exception exception, EndPoint? client);
}
