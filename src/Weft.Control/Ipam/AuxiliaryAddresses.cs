using Weft.Control.Errors;
using Weft.Control.Model;

namespace Weft.Control.Ipam;

/// <summary>
/// A subnet's auxiliary addresses (Docker's <c>--aux-address NAME=IP</c>): addresses inside the subnet that IPAM never gives
/// a container, e.g. a router or a device reached through an external VTEP. Checked once the subnet is known; stored on
/// <see cref="SubnetConfig.AuxiliaryAddresses"/> with the addresses normalised.
/// </summary>
public static class AuxiliaryAddresses
{
    /// <summary>
    /// Checks <paramref name="requested"/> (name -> address) against <paramref name="config"/> and returns them normalised, or
    /// null when there are none. Throws <see cref="WeftInvalidArgumentException"/> naming the first bad one and what to do.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Validate(IReadOnlyDictionary<string, string> requested, SubnetConfig config, string networkName)
    {
        if (requested.Count == 0) return null;
        var subnet = Ipv4Cidr.Parse(config.Subnet, "subnet");
        var gateway = Ipv4.Parse(config.Gateway, "gateway");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var named = new Dictionary<uint, string>();
        foreach (var (name, text) in requested)
        {
            var given = $"aux-address {name}={text}";
            if (name.Length == 0)
            {
                throw new WeftInvalidArgumentException($"{given} has no name: give it as NAME=IP, like router={text}");
            }

            if (name.Contains('=', StringComparison.Ordinal))
            {
                throw new WeftInvalidArgumentException($"aux-address name '{name}' contains '=': give it as NAME=IP with a name without '='");
            }

            if (!Ipv4.TryParse(text, out var address))
            {
                throw new WeftInvalidArgumentException($"{given} is not an IPv4 address: give an address inside subnet {subnet}");
            }

            if (!subnet.Contains(address))
            {
                throw new WeftInvalidArgumentException($"{given} is outside subnet {subnet} of network {networkName}: pick an address inside it");
            }

            if (address == subnet.Network || address == subnet.Last)
            {
                var which = address == subnet.Network ? "network" : "broadcast";
                throw new WeftInvalidArgumentException($"{given} is the {which} address of subnet {subnet}: pick a host address inside it");
            }

            if (address == gateway)
            {
                throw new WeftInvalidArgumentException($"{given} is the gateway of network {networkName}: pick another address");
            }

            if (named.TryGetValue(address, out var first))
            {
                throw new WeftInvalidArgumentException(
                    $"aux-addresses {first}={Ipv4.Format(address)} and {name}={text} are the same address: give each name its own address");
            }

            named[address] = name;
            result[name] = Ipv4.Format(address);
        }

        return result;
    }

    /// <summary>The subnet's auxiliary addresses, by address.</summary>
    public static IReadOnlyDictionary<uint, string> ByAddress(SubnetConfig config)
    {
        var result = new Dictionary<uint, string>();
        foreach (var (name, text) in config.AuxiliaryAddresses ?? new Dictionary<string, string>())
        {
            if (Ipv4.TryParse(text, out var address)) result.TryAdd(address, name);
        }

        return result;
    }
}
