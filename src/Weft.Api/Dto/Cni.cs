namespace Weft.Api.Dto;

/// <summary>
/// What <c>weft-cni</c> asks weftd for one CNI call (ADD, DEL, CHECK): the runtime's container, the namespace it made, the
/// interface name it wants there, and the Weft network of the conflist.
/// </summary>
public sealed record CniRequest
{
    /// <summary>CNI_CONTAINERID.</summary>
    public required string ContainerId { get; init; }

    /// <summary>CNI_NETNS: the path of the container's network namespace (may be empty or gone on DEL).</summary>
    public string Netns { get; init; } = "";

    /// <summary>CNI_IFNAME.</summary>
    public required string IfName { get; init; }

    /// <summary>The Weft network (name or id) from the network configuration.</summary>
    public required string Network { get; init; }

    /// <summary>The container's name when the runtime tells it (CNI_ARGS K8S_POD_NAME; podman passes the container name), for DNS.</summary>
    public string? Name { get; init; }
}

/// <summary>What weftd made for a CNI ADD (or has, for CHECK): everything a CNI result says.</summary>
public sealed record CniAttachment
{
    public required string Interface { get; init; }
    public required string MacAddress { get; init; }
    public required string Sandbox { get; init; }

    /// <summary>The container's address with its prefix, e.g. 10.0.0.5/24.</summary>
    public required string Address { get; init; }
    public required string Gateway { get; init; }

    /// <summary>The network's subnet (the route the interface gets), e.g. 10.0.0.0/24.</summary>
    public required string Subnet { get; init; }
    public required int Mtu { get; init; }
    public string Network { get; init; } = "";

    /// <summary>Where the container resolves names (Weft's resolver inside its namespace), for the result's "dns".</summary>
    public List<string> Nameservers { get; init; } = [];
}

/// <summary>CNI GC: the attachments the runtime still knows on a network; weftd removes this host's other CNI attachments there.</summary>
public sealed record CniGcRequest
{
    public required string Network { get; init; }

    public List<CniAttachmentKey> ValidAttachments { get; init; } = [];
}

/// <summary>One attachment a runtime knows: its container and interface name (the spec's cni.dev/valid-attachments entry).</summary>
public sealed record CniAttachmentKey(string ContainerId, string IfName);

/// <summary>What GC removed.</summary>
public sealed record CniGcResponse
{
    public List<string> Removed { get; init; } = [];
}
