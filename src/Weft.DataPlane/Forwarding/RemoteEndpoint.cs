using Weft.DataPlane.Seams;
using Weft.Wire;

namespace Weft.DataPlane.Forwarding;

/// <summary>A container on another host: its MAC and IPv4 address on the overlay, and the VTEP (host) that owns it.</summary>
public sealed record RemoteEndpoint(MacAddress Mac, IPv4Address Ip, PeerEndpoint Vtep);
