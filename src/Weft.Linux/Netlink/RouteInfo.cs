using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>One route of the main table: destination prefix, optional gateway, output interface index (0 if none).</summary>
public sealed record RouteInfo(IPAddress Destination, int PrefixLength, IPAddress? Gateway, int OutputIndex);
