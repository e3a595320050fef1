using System.Net;
using Weft.Control.Errors;
using Weft.Control.Ipam;

namespace Weft.Control.Services;

/// <summary>
/// The underlay address of an external VTEP peer (a VTEP that is not a Weft host): an IPv4 unicast address, strictly
/// dotted-quad. The unspecified, broadcast, multicast and loopback addresses cannot be a VTEP another host sends to.
/// Used by the "peers" option and by <c>weft network peer add|rm</c>.
/// </summary>
public static class ExternalPeerAddress
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says why, naming the address.</summary>
    public static bool TryParse(string text, out IPAddress address, out string problem)
    {
        address = IPAddress.None;
        if (!Ipv4.TryParse(text, out var value))
        {
            problem = $"{text} is not an IPv4 address";
            return false;
        }

        problem = value switch
        {
            0 => $"{text} is the unspecified address",
            uint.MaxValue => $"{text} is the broadcast address",
            _ when value >> 28 == 0xE => $"{text} is a multicast address",
            _ when value >> 24 == 127 => $"{text} is a loopback address",
            _ => "",
        };
        if (problem.Length > 0) return false;
        address = new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        return true;
    }

    /// <summary>Parses or throws <see cref="WeftInvalidArgumentException"/> saying why and what to give instead.</summary>
    public static IPAddress Parse(string text) =>
        TryParse(text, out var address, out var problem)
            ? address
            : throw new WeftInvalidArgumentException($"invalid peer address: {problem}; give the IPv4 unicast address of a VTEP, like 192.0.2.10");

    /// <summary>The normalised text form stored in <see cref="Model.Network.ExternalPeers"/>.</summary>
    public static string Format(IPAddress address) => address.ToString();
}
