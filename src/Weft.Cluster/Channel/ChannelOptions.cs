using System.Net;

namespace Weft.Cluster.Channel;

/// <summary>Where the channel listens and how long its network steps may take.</summary>
public sealed record ChannelOptions
{
    /// <summary>The default cluster channel port (TCP).</summary>
    public const int DefaultPort = 7946;

    /// <summary>The address and port to bind to: the node's underlay address, never a wildcard by default.</summary>
    public required IPEndPoint Listen { get; init; }

    /// <summary>
    /// Consulted after the certificate chain checks out, with the node id (certificate CN): false refuses the node, e.g. one
    /// removed with `cluster leave` whose certificate has not expired yet. Null admits every node of the cluster CA.
    /// </summary>
    public Func<string, bool>? IsNodeAllowed { get; init; }

    /// <summary>A connection that has not completed its TLS handshake by then is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Listen on the node's certified underlay address, port <paramref name="port"/> (default 7946).</summary>
    public static ChannelOptions ForNode(Weft.Cluster.Pki.NodeIdentity identity, int port = DefaultPort) =>
        new() { Listen = new IPEndPoint(identity.Address, port) };
}
