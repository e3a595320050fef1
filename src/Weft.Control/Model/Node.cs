using System.Text.Json.Serialization;

namespace Weft.Control.Model;

/// <summary>A host running weftd. Stored as JSON at <see cref="Keys.Node"/>.</summary>
public sealed record Node
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>The underlay IP address peers send VXLAN to.</summary>
    public required string UnderlayAddress { get; init; }

    public required NodeRole Role { get; init; }

    public required NodeState State { get; init; }

    public required DateTimeOffset LastSeen { get; init; }
}

public enum NodeRole
{
    [JsonStringEnumMemberName("manager")] Manager,
    [JsonStringEnumMemberName("worker")] Worker,
}

public enum NodeState
{
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("down")] Down,
}
