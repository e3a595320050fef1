namespace Weft.Control.Services;

/// <summary>Settings of the control plane, given by the agent (which knows its underlay).</summary>
public sealed record ControlPlaneOptions
{
    /// <summary>Pool networks without --subnet are carved from (Docker's overlay default).</summary>
    public string DefaultPool { get; init; } = "10.0.0.0/8";

    /// <summary>Size of each block carved from <see cref="DefaultPool"/>.</summary>
    public int DefaultSubnetPrefixLength { get; init; } = 24;

    /// <summary>MTU of networks without the "mtu" option: the underlay MTU minus the 50 bytes of VXLAN encapsulation.</summary>
    public int DefaultMtu { get; init; } = 1450;

    /// <summary>Extra bytes an encrypted network loses to the seal (nonce, tag, …); subtracted from <see cref="DefaultMtu"/>.</summary>
    public int EncryptionOverhead { get; init; }

    /// <summary>Default of <see cref="HeartbeatTtl"/>.</summary>
    public static readonly TimeSpan DefaultHeartbeatTtl = TimeSpan.FromSeconds(15);

    /// <summary>A node that has not heartbeated for this long is shown down (its liveness lease expires).</summary>
    public TimeSpan HeartbeatTtl { get; init; } = DefaultHeartbeatTtl;
}
