namespace Weft.Control.Model;

/// <summary>
/// One IPv4 subnet of a network, in CIDR text form as Docker shows it under IPAM.Config.
/// <see cref="IpRange"/> (optional) narrows where container addresses are taken from.
/// </summary>
public sealed record SubnetConfig(string Subnet, string Gateway, string? IpRange = null)
{
    /// <summary>
    /// Addresses of the subnet kept from containers, by name (Docker's <c>--aux-address NAME=IP</c>), e.g. a router or a
    /// device behind an external VTEP. Null (or empty) = none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? AuxiliaryAddresses { get; init; }
}
