using Weft.Wire;

namespace Weft.DataPlane.Host;

/// <summary>
/// What the host data path needs to hand a container's interface to a runtime that moves it into its container itself
/// (Docker's Join): the network, the endpoint, and the address that fixes the interface's MAC.
/// </summary>
public sealed record HandOffAttachment(string EndpointId, uint Vni, IPv4Address Address, int Mtu)
{
    public MacAddress Mac => MacAddress.FromIPv4(Address);

    /// <summary>The interface in the host's namespace that the runtime moves: "wd" + the 12 hex digits of the sandbox port.</summary>
    public string HostInterface => HostNames.HandOffInterface(EndpointId);
}
