using System.Net;
using Weft.Wire;

namespace Weft.DataPlane.Paths;

/// <summary>A container of the network on another host: its MAC and address, and the underlay address of its host.</summary>
public sealed record RemoteContainer(MacAddress Mac, IPv4Address Address, IPAddress Host);

/// <summary>
/// What one network's data path must do on this host, declaratively: the same input for both kinds of path. Peers are the
/// underlay addresses of every other VTEP of the network (the hosts of the remote containers): broadcast goes to each, and
/// only they may send on the VNI.
/// </summary>
public sealed record NetworkPlan(uint Vni, int Mtu, bool Encrypted, IReadOnlyList<RemoteContainer> Remotes, IReadOnlyList<IPAddress> Peers);
