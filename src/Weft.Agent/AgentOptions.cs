namespace Weft.Agent;

/// <summary>How one weftd is started: <c>--socket</c>, <c>--data-dir</c>, <c>--node-name</c>, <c>--underlay-address</c>, <c>--default-address-pool</c>, <c>--heartbeat-ttl</c>, ….</summary>
public sealed record AgentOptions
{
    public const string DefaultSocketPath = Api.WeftApiClient.DefaultSocketPath;
    public const string DefaultDataDir = "/var/lib/weft";

    public string SocketPath { get; init; } = DefaultSocketPath;

    public string DataDir { get; init; } = DefaultDataDir;

    public string NodeName { get; init; } = Environment.MachineName;

    /// <summary>The address peers send VXLAN to; empty until configured.</summary>
    public string UnderlayAddress { get; init; } = "";

    /// <summary>Pool networks without --subnet are carved from, in /24s (like dockerd's --default-address-pool).</summary>
    public string DefaultAddressPool { get; init; } = "10.0.0.0/8";

    /// <summary>TCP port of the cluster channel (0 = any free port, for tests).</summary>
    /// <summary>Prefix of the namespaces this agent makes (sandboxes, containers); in the lab "&lt;lab&gt;-hN".</summary>
    public string NetnsPrefix { get; init; } = "weft";

    /// <summary>
    /// <c>--data-path</c>: how this host carries its networks (sandboxes, kernel vxlan devices or the userspace VTEP, DNS); any
    /// mode but off needs root and an underlay address.
    /// </summary>
    public Weft.DataPlane.Paths.DataPathMode DataPathMode { get; init; } = Weft.DataPlane.Paths.DataPathMode.Off;

    /// <summary>Whether this agent runs a data path at all.</summary>
    public bool DataPath => DataPathMode != Weft.DataPlane.Paths.DataPathMode.Off;

    /// <summary>UDP port of VXLAN on the underlay (RFC 7348: 4789).</summary>
    public ushort VxlanPort { get; init; } = Weft.Wire.VxlanHeader.DefaultPort;

    /// <summary>Default of <see cref="SourcePorts"/>: enough entropy for an underlay's ECMP hash, few sockets.</summary>
    public const int DefaultSourcePorts = 16;

    /// <summary>Outer UDP source ports VXLAN leaves from, one per inner flow by hash (0: all from <see cref="VxlanPort"/>).</summary>
    public int SourcePorts { get; init; } = DefaultSourcePorts;

    public int ClusterPort { get; init; } = Weft.Cluster.Channel.ChannelOptions.DefaultPort;

    /// <summary>
    /// A node that has not heartbeated for this long is shown down; the manager withdraws its endpoints after it has seen it
    /// down for two more (<c>--heartbeat-ttl</c>). Heartbeats go out every third of it, at least once a second.
    /// </summary>
    public TimeSpan HeartbeatTtl { get; init; } = Weft.Control.Services.ControlPlaneOptions.DefaultHeartbeatTtl;

    /// <summary>Lifetime of the node certificates this node issues as manager (its own and the workers'); renewed at two thirds.</summary>
    public TimeSpan NodeCertificateValidity { get; init; } = Weft.Cluster.Pki.ClusterCa.DefaultNodeValidity;

    /// <summary>
    /// Directory where weftd serves Docker's network and IPAM plugin API as <c>weft.sock</c> (dockerd discovers plugins
    /// in <c>/run/docker/plugins</c>); null: no Docker plugin.
    /// </summary>
    public string? DockerPluginDirectory { get; init; }

    /// <summary>The local dockerd's Engine API (e.g. <c>unix:///var/run/docker.sock</c>); null: no Docker.</summary>
    public string? DockerHost { get; init; }

    /// <summary>
    /// Loopback address in the host's namespace where weftd answers container names for runtimes' own resolvers (Docker's
    /// embedded DNS forwards names it does not know to the resolv.conf dockerd reads); null: not served.
    /// </summary>
    public string? HostDns { get; init; }
}
