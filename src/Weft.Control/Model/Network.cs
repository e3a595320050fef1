namespace Weft.Control.Model;

/// <summary>
/// An overlay network: one VXLAN segment (one <see cref="Vni"/>) spanning every host that has an endpoint on it.
/// Stored as JSON at <see cref="Keys.Network"/>; shaped after Docker's network object plus Weft's VNI, MTU and encryption state.
/// </summary>
public sealed record Network
{
    /// <summary>64 lowercase hex characters, like a Docker network id.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Always "overlay" today.</summary>
    public required string Driver { get; init; }

    /// <summary>VXLAN network identifier, 1..16777215.</summary>
    public required int Vni { get; init; }

    public required IReadOnlyList<SubnetConfig> Subnets { get; init; }

    /// <summary>MTU of container interfaces on this network.</summary>
    public required int Mtu { get; init; }

    /// <summary>
    /// Driver options exactly as the user passed them (e.g. "encrypted" -> ""), except "peers", which always holds
    /// <see cref="ExternalPeers"/> comma-joined (and is absent when there are none).
    /// </summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>True when traffic is sealed (AEAD) between hosts; from the "encrypted" option.</summary>
    public bool Encrypted { get; init; }

    /// <summary>Key rotation interval for encrypted networks (from "encryption-rotation"); null = the data plane's default.</summary>
    public TimeSpan? EncryptionRotation { get; init; }

    /// <summary>
    /// Underlay IPv4 addresses (normalised dotted quads, in the order added) of VTEPs outside the cluster that take part in
    /// this network: a Linux vxlan device, Open vSwitch, a hardware switch. From the "peers" option and <c>weft network peer</c>.
    /// A record stored before peers existed has no "externalPeers"; the source-generated reader then sets null, which reads as none.
    /// </summary>
    public IReadOnlyList<string> ExternalPeers
    {
        get => _externalPeers;
        init => _externalPeers = value ?? [];
    }

    private readonly IReadOnlyList<string> _externalPeers = [];

    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public required DateTimeOffset Created { get; init; }
}
