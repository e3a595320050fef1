using Microsoft.Extensions.Logging;

namespace Weft.Agent;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "weftd {Version} listening on unix://{Socket} (node {Node}, data {DataDir})")]
    public static partial void Listening(ILogger logger, string version, string socket, string node, string dataDir);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "removed a stale socket file {Socket} that no agent was listening on")]
    public static partial void RemovedStaleSocket(ILogger logger, string socket);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Method} {Path} -> {Status}: {Message}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int status, string message);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Method} {Path} failed unexpectedly")]
    public static partial void RequestCrashed(ILogger logger, Exception exception, string method, string path);
}
