namespace Weft.Api.Dto;

/// <summary>Body of <c>POST /cluster/init</c>.</summary>
public sealed record ClusterInitRequest
{
    /// <summary>Address other agents reach this manager at (host:port); empty = the underlay address.</summary>
    public string AdvertiseAddr { get; set; } = "";
}

public sealed record ClusterInitResponse
{
    public required string NodeID { get; init; }
    public required string JoinToken { get; init; }
    public required string ManagerAddress { get; init; }
}

/// <summary>Body of <c>POST /cluster/join</c>.</summary>
public sealed record ClusterJoinRequest
{
    public required string RemoteAddr { get; init; }
    public required string JoinToken { get; init; }
    public string AdvertiseAddr { get; set; } = "";
}

public sealed record ClusterJoinResponse
{
    public required string NodeID { get; init; }
}

/// <summary>One row of <c>GET /nodes</c>.</summary>
public sealed record NodeInfo
{
    public required string ID { get; init; }
    public required string Hostname { get; init; }
    public required string Address { get; init; }
    /// <summary>"ready" or "down".</summary>
    public required string Status { get; init; }
    /// <summary>"manager" or "worker".</summary>
    public required string Role { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
}
