namespace Weft.Agent;

/// <summary>How one weftd is started: <c>--socket</c>, <c>--data-dir</c>, <c>--node-name</c>, <c>--underlay-address</c>.</summary>
public sealed record AgentOptions
{
    public const string DefaultSocketPath = Api.WeftApiClient.DefaultSocketPath;
    public const string DefaultDataDir = "/var/lib/weft";

    public string SocketPath { get; init; } = DefaultSocketPath;

    public string DataDir { get; init; } = DefaultDataDir;

    public string NodeName { get; init; } = Environment.MachineName;

    /// <summary>The address peers send VXLAN to; empty until configured.</summary>
    public string UnderlayAddress { get; init; } = "";
}
