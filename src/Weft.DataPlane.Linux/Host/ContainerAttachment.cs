using Weft.Wire;

namespace Weft.DataPlane.Host;

/// <summary>What the host data path needs to plug a container into a network.</summary>
/// <param name="EndpointId">Stable id of the container's endpoint on that network.</param>
/// <param name="ContainerName">The container's name (its namespace is derived from it).</param>
/// <param name="Interface">Interface name inside the container (eth0 for its first network).</param>
public sealed record ContainerAttachment(
    string EndpointId, string ContainerName, uint Vni, string Interface, IPv4Address Address, int PrefixLength, int Mtu)
{
    public MacAddress Mac => MacAddress.FromIPv4(Address);
}
