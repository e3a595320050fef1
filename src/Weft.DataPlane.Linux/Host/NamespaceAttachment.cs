using Weft.Wire;

namespace Weft.DataPlane.Host;

/// <summary>
/// A container in a namespace a runtime made (CNI's <c>CNI_NETNS</c>, a path), plugged into its network by weftd itself:
/// the interface <see cref="Interface"/> inside it with the address, MAC and MTU Weft gives, on the network's bridge.
/// </summary>
public sealed record NamespaceAttachment(string EndpointId, uint Vni, string Namespace, string Interface, IPv4Address Address, int PrefixLength, int Mtu)
{
    public MacAddress Mac => MacAddress.FromIPv4(Address);
}
