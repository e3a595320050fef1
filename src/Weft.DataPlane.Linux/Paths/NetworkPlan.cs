using System.Net;
using Weft.Wire;

namespace Weft.DataPlane.Paths;

/// <summary>A container of the network on another host: its MAC and address, and the underlay address of its host.</summary>
public sealed record RemoteContainer(MacAddress Mac, IPv4Address Address, IPAddress Host);

/// <summary>
/// What one network's data path must do on this host, declaratively: the same input for both kinds of path. Peers are the
/// underlay addresses of the network's other Weft hosts (the hosts of the remote containers); external peers are VTEPs
/// outside the cluster (a Linux vxlan device, Open vSwitch, a hardware switch) named on the network. Broadcast and unknown
/// unicast go to every peer of both kinds, only they may send on the VNI, and MACs are learned only from external peers
/// (Weft hosts' containers are known from the store).
/// </summary>
public sealed record NetworkPlan(uint Vni, int Mtu, bool Encrypted, IReadOnlyList<RemoteContainer> Remotes, IReadOnlyList<IPAddress> Peers)
{
    /// <summary>VTEPs outside the cluster that take part in this network's VNI.</summary>
    public IReadOnlyList<IPAddress> ExternalPeers { get; init; } = [];

    /// <summary>Weft hosts and external VTEPs: everyone who receives the network's flooded frames and may send on its VNI.</summary>
    public IReadOnlyList<IPAddress> AllPeers => ExternalPeers.Count == 0 ? Peers : Peers.Concat(ExternalPeers).Distinct().ToList();
}
