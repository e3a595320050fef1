namespace Weft.Control.Model;

/// <summary>
/// A container's attachment to one network: its address, MAC and the host it lives on.
/// Stored as JSON at <see cref="Keys.Endpoint"/>.
/// </summary>
public sealed record Endpoint
{
    /// <summary>64 lowercase hex characters.</summary>
    public required string Id { get; init; }

    public required string ContainerName { get; init; }

    /// <summary>64 lowercase hex characters; the same for all endpoints of one container.</summary>
    public required string ContainerId { get; init; }

    public required string NetworkId { get; init; }

    /// <summary>Name of the node (host) the container runs on (<see cref="Node.Name"/>); its VTEP terminates this endpoint's traffic.</summary>
    public required string Host { get; init; }

    /// <summary>Dotted IPv4 address, e.g. "10.0.0.2".</summary>
    public required string IPv4Address { get; init; }

    public required int PrefixLength { get; init; }

    /// <summary>"02:42:" followed by the four IPv4 bytes, like Docker.</summary>
    public required string MacAddress { get; init; }

    public required DateTimeOffset Created { get; init; }

    /// <summary>Who runs the container: <see cref="EndpointRuntimes.Weft"/> (a namespace weftd made) or <see cref="EndpointRuntimes.Docker"/>.</summary>
    public string Runtime { get; init; } = EndpointRuntimes.Weft;

    /// <summary>The path of the network namespace a CNI runtime made for the container (<see cref="EndpointRuntimes.Cni"/> only), where weftd serves its DNS.</summary>
    public string? Netns { get; init; }

    /// <summary>More names the container answers to on this network (Docker's <c>--network-alias</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

/// <summary>The front doors a container comes through; each becomes the same <see cref="Endpoint"/> record.</summary>
public static class EndpointRuntimes
{
    /// <summary><c>weft run</c>: weftd makes the container's namespace and plumbs it.</summary>
    public const string Weft = "weft";

    /// <summary>Docker's network plugin: weftd hands dockerd a veth that dockerd moves into its container.</summary>
    public const string Docker = "docker";

    /// <summary>A CNI runtime (podman, containerd, CRI-O) through <c>weft-cni</c>: weftd plugs the namespace the runtime made.</summary>
    public const string Cni = "cni";
}
