namespace Weft.Cli;

/// <summary>
/// Which agent socket <c>-H</c> / <c>WEFT_HOST</c> means: a socket path (<c>/x/weftd.sock</c> or <c>unix:///x/weftd.sock</c>),
/// or a lab host name (<c>h2</c>) meaning <c>/run/weft/&lt;prefix&gt;-h2/weftd.sock</c>; nothing means the default socket.
/// </summary>
public static class AgentAddress
{
    public const string DefaultLabPrefix = "weft";
    public const string RunDirectory = "/run/weft";

    public static string SocketPath(string? host, string? labPrefix)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return Api.WeftApiClient.DefaultSocketPath;
        }
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return host["unix://".Length..];
        }
        if (host.Contains("://", StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal))
        {
            throw new CliException($"-H {host}: Weft agents listen on Unix sockets only; give a socket path or a lab host name such as h1");
        }
        if (host.Contains('/', StringComparison.Ordinal) || host.EndsWith(".sock", StringComparison.Ordinal))
        {
            return host;
        }
        return LabSocketPath(string.IsNullOrWhiteSpace(labPrefix) ? DefaultLabPrefix : labPrefix, host);
    }

    /// <summary>The socket of lab host <paramref name="host"/> (e.g. h2) in lab <paramref name="prefix"/>.</summary>
    public static string LabSocketPath(string prefix, string host) => $"{RunDirectory}/{prefix}-{host}/weftd.sock";
}
