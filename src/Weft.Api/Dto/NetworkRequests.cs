namespace Weft.Api.Dto;

/// <summary>Body of <c>POST /networks/create</c>, as Docker's API takes it.</summary>
public sealed record NetworkCreateRequest
{
    public required string Name { get; init; }
    public string Driver { get; init; } = "overlay";
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool EnableIPv6 { get; init; }
    public IpamInfo? IPAM { get; init; }
    public Dictionary<string, string> Options { get; init; } = [];
    public Dictionary<string, string> Labels { get; init; } = [];
}

public sealed record NetworkCreateResponse
{
    public required string Id { get; init; }
    public string Warning { get; init; } = "";
}

/// <summary>Body of <c>POST /networks/{id}/connect</c>.</summary>
public sealed record NetworkConnectRequest
{
    public required string Container { get; init; }
    public EndpointSettings? EndpointConfig { get; init; }
}

/// <summary>Body of <c>POST /networks/{id}/disconnect</c>.</summary>
public sealed record NetworkDisconnectRequest
{
    public required string Container { get; init; }
    public bool Force { get; init; }
}

public sealed record EndpointSettings
{
    public EndpointIpamConfig? IPAMConfig { get; init; }
}

public sealed record EndpointIpamConfig
{
    public string? IPv4Address { get; init; }
}
