namespace Weft.Control.Model;

/// <summary>
/// One IPv4 subnet of a network, in CIDR text form as Docker shows it under IPAM.Config.
/// <see cref="IpRange"/> (optional) narrows where container addresses are taken from.
/// </summary>
public sealed record SubnetConfig(string Subnet, string Gateway, string? IpRange = null);
