using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>One interface address (IPv4 or IPv6) with its prefix length.</summary>
public sealed record AddressInfo(int Index, IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
