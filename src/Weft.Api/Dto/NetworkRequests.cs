namespace Weft.Api.Dto;

// Request DTOs use { get; set; } for members with defaults: source-generated System.Text.Json deserialization sets
// init-only members that a body leaves out to null, while settable ones keep their initializer.

/// <summary>Body of <c>POST /networks/create</c>, as Docker's API takes it.</summary>
public sealed record NetworkCreateRequest
{
    public required string Name { get; init; }
    public string Driver { get; set; } = "overlay";
    public bool Internal { get; set; }
    public bool Attachable { get; set; }
    public bool EnableIPv6 { get; set; }
    public IpamInfo? IPAM { get; set; }
    public Dictionary<string, string> Options { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = [];
}

public sealed record NetworkCreateResponse
{
    public required string Id { get; init; }
    public string Warning { get; set; } = "";
}

/// <summary>Body of Weft's <c>POST /networks/{id}/peers</c>: the underlay IPv4 address of an external VTEP to add.</summary>
public sealed record NetworkPeerRequest
{
    public required string Address { get; init; }
}

/// <summary>Body of <c>POST /networks/{id}/connect</c>.</summary>
public sealed record NetworkConnectRequest
{
    public required string Container { get; init; }
    public EndpointSettings? EndpointConfig { get; set; }
}

/// <summary>Body of <c>POST /networks/{id}/disconnect</c>.</summary>
public sealed record NetworkDisconnectRequest
{
    public required string Container { get; init; }
    public bool Force { get; set; }
}

public sealed record EndpointSettings
{
    public EndpointIpamConfig? IPAMConfig { get; set; }
}

public sealed record EndpointIpamConfig
{
    public string? IPv4Address { get; set; }
}
