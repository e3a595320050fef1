using System.Net;

namespace Weft.Cluster.Channel;

/// <summary>Where the channel listens and how long its network steps may take.</summary>
public sealed record ChannelOptions
{
    /// <summary>The default cluster channel port (TCP).</summary>
    public const int DefaultPort = 7946;

    /// <summary>The address and port to bind to: the node's underlay address, never a wildcard by default.</summary>
    public required IPEndPoint Listen { get; init; }

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
