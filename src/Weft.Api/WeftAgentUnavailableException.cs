namespace Weft.Api;

/// <summary>The agent's socket is missing, refuses connections or may not be opened; the message names the socket and how to start the agent.</summary>
public sealed class WeftAgentUnavailableException(string socketPath, string reason, Exception? inner = null)
    : Exception($"cannot reach the Weft agent at unix://{socketPath} ({reason}); start it with `weftd --socket {socketPath}` "
        + "(or `weft lab up` for the lab) or point -H / WEFT_HOST at a running agent", inner)
{
    public string SocketPath { get; } = socketPath;
}
