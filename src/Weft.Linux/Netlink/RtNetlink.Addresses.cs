using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    private const int IfAddrSize = 8;

    /// <summary><c>ip addr add ADDRESS/PREFIX dev DEV</c>. Throws EEXIST naming the address if it is already there.</summary>
    public void AddAddress(string dev, IPAddress address, int prefixLength) =>
        ModifyAddress(Rtm.NEWADDR, Rtm.NLM_F_ACK | Rtm.NLM_F_CREATE | Rtm.NLM_F_EXCL, dev, address, prefixLength);

    /// <summary><c>ip addr del ADDRESS/PREFIX dev DEV</c>. Throws EADDRNOTAVAIL naming the address if it is not there.</summary>
    public void DeleteAddress(string dev, IPAddress address, int prefixLength) =>
        ModifyAddress(Rtm.DELADDR, Rtm.NLM_F_ACK, dev, address, prefixLength);

    /// <summary>All IPv4 and IPv6 addresses, or those of one link.</summary>
    public IReadOnlyList<AddressInfo> ListAddresses(string? dev = null)
    {
        var index = dev is null ? 0 : GetLink(dev).Index;
        var w = new NetlinkMessageWriter(Rtm.GETADDR, Rtm.NLM_F_DUMP);
        w.Header(IfAddrSize);
        var result = new List<AddressInfo>();
        foreach (var (type, body) in Send(w, dev is null ? "addresses" : $"addresses of '{dev}'"))
        {
            if (type != Rtm.NEWADDR || body.Length < IfAddrSize) continue;
            var h = body.Span;
            var family = h[0];
            var ifIndex = (int)BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
            if (index != 0 && ifIndex != index) continue;
            var a = NetlinkAttributes.Parse(body[IfAddrSize..]);
            var address = family == Rtm.AF_INET ? a.Address(Rtm.IFA_LOCAL) ?? a.Address(Rtm.IFA_ADDRESS) : a.Address(Rtm.IFA_ADDRESS) ?? a.Address(Rtm.IFA_LOCAL);
            if (address is not null) result.Add(new AddressInfo(ifIndex, address, h[1]));
        }
        return result;
    }

    private void ModifyAddress(ushort type, ushort flags, string dev, IPAddress address, int prefixLength)
    {
        var maxPrefix = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefixLength < 0 || prefixLength > maxPrefix)
            throw new ArgumentOutOfRangeException(nameof(prefixLength), $"address {address}/{prefixLength}: prefix length must be 0..{maxPrefix}");
        var index = GetLink(dev).Index;
        var w = new NetlinkMessageWriter(type, flags);
        var h = w.Header(IfAddrSize);
        h[0] = Family(address);
        h[1] = (byte)prefixLength;
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)index);
        var bytes = address.GetAddressBytes();
        w.Attribute(Rtm.IFA_LOCAL, bytes);
        w.Attribute(Rtm.IFA_ADDRESS, bytes);
        Send(w, $"address {address}/{prefixLength} on '{dev}'");
    }

    private static byte Family(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => Rtm.AF_INET,
        AddressFamily.InterNetworkV6 => Rtm.AF_INET6,
        _ => throw new ArgumentException($"address {address} is neither IPv4 nor IPv6", nameof(address)),
    };
}
