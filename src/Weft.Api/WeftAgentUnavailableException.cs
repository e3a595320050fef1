using System.Text.RegularExpressions;

namespace Weft.Api;

/// <summary>
/// The agent's socket is missing, refuses connections or may not be opened; the message names the socket and how to start
/// the agent (for a lab host's socket, <c>/run/weft/P-hN/weftd.sock</c>, the <c>weft lab up --prefix P</c> that starts it).
/// </summary>
public sealed partial class WeftAgentUnavailableException(string socketPath, string reason, Exception? inner = null)
    : Exception($"cannot reach the Weft agent at unix://{socketPath} ({reason}); start it with `weftd --socket {socketPath}` "
        + $"(or `{LabUp(socketPath)}` for the lab) or point -H / WEFT_HOST at a running agent", inner)
{
    public string SocketPath { get; } = socketPath;

    private static string LabUp(string socketPath) =>
        LabSocket().Match(socketPath) is { Success: true } lab ? $"weft lab up --prefix {lab.Groups["prefix"].Value}" : "weft lab up";

    [GeneratedRegex(@"^/run/weft/(?<prefix>[^/]+)-h\d+/weftd\.sock$")]
    private static partial Regex LabSocket();
}
