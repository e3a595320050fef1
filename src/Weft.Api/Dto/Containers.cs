using System.Text.Json.Serialization;
namespace Weft.Api.Dto;

/// <summary>Body of <c>POST /containers/create?name=</c> (the Docker fields Weft uses).</summary>
public sealed record ContainerCreateRequest
{
    public string Image { get; set; } = "weft/netns";
    public List<string> Cmd { get; set; } = [];
    public HostConfig HostConfig { get; set; } = new();
    public NetworkingConfig NetworkingConfig { get; set; } = new();
}

public sealed record HostConfig
{
    /// <summary>The network the container starts on.</summary>
    public string NetworkMode { get; set; } = "";
}

public sealed record NetworkingConfig
{
    public Dictionary<string, EndpointSettings> EndpointsConfig { get; set; } = [];
}

public sealed record ContainerCreateResponse
{
    public required string Id { get; init; }
    public List<string> Warnings { get; init; } = [];
}

/// <summary>One row of <c>GET /containers/json</c>.</summary>
public sealed record ContainerSummary
{
    public required string Id { get; init; }
    public required List<string> Names { get; init; }
    public string Image { get; init; } = "weft/netns";
    public string Command { get; init; } = "";
    public long Created { get; init; }
    public string State { get; init; } = "running";
    public string Status { get; init; } = "";
    public SummaryNetworkSettings NetworkSettings { get; init; } = new();

    /// <summary>Weft: the node (host) the container runs on.</summary>
    public string Node { get; init; } = "";

    /// <summary>Weft: who runs the container, "weft" (<c>weft run</c>) or "docker" (a Docker container on a Weft network).</summary>
    public string Runtime { get; init; } = "weft";
}

public sealed record SummaryNetworkSettings
{
    public Dictionary<string, ContainerEndpoint> Networks { get; init; } = [];
}

/// <summary>A container's attachment to one network.</summary>
public sealed record ContainerEndpoint
{
    public required string NetworkID { get; init; }
    public required string EndpointID { get; init; }
    public required string IPAddress { get; init; }
    public int IPPrefixLen { get; init; }
    public string Gateway { get; init; } = "";
    public required string MacAddress { get; init; }
}

/// <summary><c>GET /containers/{id}/json</c>.</summary>
public sealed record ContainerInspect
{
    public required string Id { get; init; }
    /// <summary>With Docker's leading slash.</summary>
    public required string Name { get; init; }
    [JsonConverter(typeof(DockerTimeConverter))]
    public required DateTimeOffset Created { get; init; }
    public ContainerState State { get; init; } = new();
    public ContainerConfig Config { get; init; } = new();
    public SummaryNetworkSettings NetworkSettings { get; init; } = new();

    /// <summary>Weft: the node (host) the container runs on.</summary>
    public string Node { get; init; } = "";
}

public sealed record ContainerState
{
    /// <summary>"created" (not plumbed by its host yet), "running" (plumbed: its namespace is attached) or "unknown" (its host is down).</summary>
    public string Status { get; init; } = "running";
    public bool Running { get; init; } = true;
    public int Pid { get; init; }
    /// <summary>When its host plumbed it (RFC 3339), Docker's zero time before that.</summary>
    public string StartedAt { get; init; } = "0001-01-01T00:00:00Z";
}

public sealed record ContainerConfig
{
    public string Hostname { get; init; } = "";
    public string Image { get; init; } = "weft/netns";
    public List<string> Cmd { get; init; } = [];
}

/// <summary>Body of <c>POST /containers/{id}/exec</c>: run a command in the container's namespaces.</summary>
public sealed record ExecRequest
{
    public required List<string> Cmd { get; init; }
}

public sealed record ExecResult
{
    public required int ExitCode { get; init; }
    public string Output { get; init; } = "";
}
