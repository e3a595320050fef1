using System.Text.Json.Serialization;

namespace Weft.Api.Dto;

/// <summary>A network as <c>docker network inspect</c> shows it, plus Weft's Vni, Mtu and encryption state.</summary>
public sealed record NetworkInspect
{
    public required string Name { get; init; }
    public required string Id { get; init; }
    [JsonConverter(typeof(DockerTimeConverter))]
    public required DateTimeOffset Created { get; init; }
    public string Scope { get; init; } = "global";
    public string Driver { get; init; } = "overlay";
    public bool EnableIPv6 { get; init; }
    public required IpamInfo IPAM { get; init; }
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool Ingress { get; init; }
    public Dictionary<string, NetworkContainer> Containers { get; init; } = [];
    public Dictionary<string, string> Options { get; init; } = [];
    public Dictionary<string, string> Labels { get; init; } = [];
    public List<NetworkPeer> Peers { get; init; } = [];

    /// <summary>
    /// Weft: underlay IPv4 addresses of VTEPs outside the cluster that take part in this network (a Linux vxlan device, Open
    /// vSwitch, a hardware switch), from <c>--opt peers=</c> and <c>weft network peer add</c>. <see cref="Peers"/> lists the
    /// Weft hosts.
    /// </summary>
    public List<string> ExternalPeers { get; init; } = [];

    /// <summary>Weft: the VXLAN network identifier.</summary>
    public int Vni { get; init; }

    /// <summary>Weft: MTU of container interfaces on this network.</summary>
    public int Mtu { get; init; }

    /// <summary>Weft: traffic between hosts is sealed (AEAD).</summary>
    public bool Encrypted { get; init; }

    /// <summary>Weft: the AEAD sealing an encrypted network ("AES-256-GCM"); empty when not encrypted.</summary>
    public string EncryptionAlgorithm { get; init; } = "";

    /// <summary>Weft: the key epoch hosts seal with now; 0 when not encrypted (or no key made yet).</summary>
    public uint KeyEpoch { get; init; }

    /// <summary>Weft: when the key rotates next; null when not encrypted (or no key made yet).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? NextKeyRotation { get; init; }

    /// <summary>Weft: the data path this network takes on the answering host: "kernel", "userspace" or "off".</summary>
    public string DataPath { get; init; } = "";

    /// <summary>Weft: why it takes that path there.</summary>
    public string DataPathReason { get; init; } = "";
}

public sealed record IpamInfo
{
    public string Driver { get; set; } = "default";
    public Dictionary<string, string> Options { get; set; } = [];
    public List<IpamConfig> Config { get; set; } = [];
}

/// <summary>One subnet; like Docker, empty fields are left out of the JSON.</summary>
public sealed record IpamConfig
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subnet { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IPRange { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Gateway { get; init; }

    /// <summary>Addresses of the subnet kept from containers, by name (Docker's <c>--aux-address</c>); left out when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? AuxiliaryAddresses { get; init; }
}

public sealed record NetworkContainer
{
    public required string Name { get; init; }
    public required string EndpointID { get; init; }
    public required string MacAddress { get; init; }
    public required string IPv4Address { get; init; }
    public string IPv6Address { get; init; } = "";
}

public sealed record NetworkPeer
{
    public required string Name { get; init; }
    public required string IP { get; init; }
}
