using System.Net;
using System.Net.Sockets;

namespace Weft.Dns;

/// <summary>How an <see cref="EmbeddedDnsServer"/> answers and forwards.</summary>
public sealed record DnsServerOptions
{
    /// <summary>Resolvers for names that are not containers', tried in order (usually port 53 of
    /// <see cref="ResolvConf.UpstreamEndpoints"/> of the host's /etc/resolv.conf). Empty: SERVFAIL.</summary>
    public IReadOnlyList<IPEndPoint> Upstreams { get; init; } = [];

    /// <summary>How long to wait for each upstream before trying the next one.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Search domains the container's resolv.conf lists: "db.&lt;domain&gt;" is looked up as "db" too.</summary>
    public IReadOnlyList<string> SearchDomains { get; init; } = [];

    /// <summary>TTL of local answers, in seconds (Docker uses 600).</summary>
    public int LocalTtlSeconds { get; init; } = 600;

    /// <summary>Forwarded queries allowed in flight at once; beyond that SERVFAIL at once.</summary>
    public int MaxConcurrentForwards { get; init; } = 100;

    /// <summary>Largest query accepted (bytes); bigger messages are answered FORMERR. Real queries are
    /// well under 512 bytes; the cap also bounds the parser's work per message.</summary>
    public int MaxQuerySize { get; init; } = 4096;

    /// <summary>How a TCP client may stay idle between queries before the server closes the connection.</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Makes the sockets used to reach upstreams (default: plain sockets in the calling
    /// thread's network namespace, i.e. the agent's). Arguments: address family and UDP or TCP.</summary>
    public Func<AddressFamily, ProtocolType, Socket>? UpstreamSocketFactory { get; init; }

    /// <summary>Clock for timeouts (tests may pass a fake).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
