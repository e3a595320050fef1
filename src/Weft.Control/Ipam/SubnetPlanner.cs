using Weft.Control.Errors;
using Weft.Control.Model;

namespace Weft.Control.Ipam;

/// <summary>
/// Pure subnet arithmetic for network creation: picks a free block from the default pool, or validates the user's
/// --subnet / --gateway / --ip-range against each other and against the subnets already claimed. No store access;
/// <see cref="SubnetAllocator"/> makes the result stick with a compare-and-swap.
/// </summary>
public sealed class SubnetPlanner(Ipv4Cidr pool, int blockPrefixLength = 24)
{
    public Ipv4Cidr Pool { get; } = pool;

    public int BlockPrefixLength { get; } = blockPrefixLength >= pool.PrefixLength && blockPrefixLength <= 30
        ? blockPrefixLength
        : throw new ArgumentOutOfRangeException(nameof(blockPrefixLength), blockPrefixLength, $"blocks must be /{pool.PrefixLength}../30");

    /// <summary>Resolves the subnet configuration of a new network, or throws a <see cref="WeftException"/> that says why not.</summary>
    public SubnetConfig Plan(string? subnet, string? gateway, string? ipRange, IReadOnlyList<SubnetClaim> existing)
    {
        if (subnet is null)
        {
            if (gateway is not null || ipRange is not null)
            {
                var flag = gateway is not null ? "--gateway" : "--ip-range";
                throw new WeftInvalidArgumentException($"{flag} needs --subnet: pass the subnet it belongs to");
            }

            var block = FirstFreeBlock(existing);
            return new SubnetConfig(block.ToString(), Ipv4.Format(block.Network + 1));
        }

        var cidr = Ipv4Cidr.Parse(subnet, "subnet");
        if (cidr.PrefixLength > 30)
        {
            throw new WeftInvalidArgumentException($"subnet {cidr} is too small: use a prefix of /30 or shorter");
        }

        foreach (var claim in existing)
        {
            if (Ipv4Cidr.Parse(claim.Subnet, "subnet").Overlaps(cidr))
            {
                throw new WeftConflictException($"subnet {cidr} overlaps network {claim.NetworkName} ({claim.Subnet}): choose a subnet outside it");
            }
        }

        var gatewayAddress = cidr.Network + 1;
        if (gateway is not null)
        {
            gatewayAddress = Ipv4.Parse(gateway, "gateway");
            if (!cidr.Contains(gatewayAddress))
            {
                throw new WeftInvalidArgumentException($"gateway {gateway} is outside subnet {cidr}: pick an address inside it");
            }

            RefuseNetworkOrBroadcast(gatewayAddress, cidr, "gateway");
        }

        string? range = null;
        if (ipRange is not null)
        {
            var rangeCidr = Ipv4Cidr.Parse(ipRange, "ip-range");
            if (!cidr.Contains(rangeCidr))
            {
                throw new WeftInvalidArgumentException($"ip-range {rangeCidr} is outside subnet {cidr}: pick a range inside it");
            }

            range = rangeCidr.ToString();
        }

        return new SubnetConfig(cidr.ToString(), Ipv4.Format(gatewayAddress), range);
    }

    /// <summary>Throws when <paramref name="address"/> is the subnet's network or broadcast address.</summary>
    public static void RefuseNetworkOrBroadcast(uint address, Ipv4Cidr subnet, string what)
    {
        if (address == subnet.Network)
        {
            throw new WeftInvalidArgumentException($"{what} {Ipv4.Format(address)} is the network address of {subnet}: pick a host address");
        }

        if (address == subnet.Last)
        {
            throw new WeftInvalidArgumentException($"{what} {Ipv4.Format(address)} is the broadcast address of {subnet}: pick a host address");
        }
    }

    private Ipv4Cidr FirstFreeBlock(IReadOnlyList<SubnetClaim> existing)
    {
        var taken = existing.Select(c => Ipv4Cidr.Parse(c.Subnet, "subnet")).ToList();
        var step = 1UL << (32 - BlockPrefixLength);
        for (ulong candidate = Pool.Network; candidate <= Pool.Last; candidate += step)
        {
            var block = new Ipv4Cidr((uint)candidate, BlockPrefixLength);
            if (!taken.Exists(t => t.Overlaps(block)))
            {
                return block;
            }
        }

        throw new WeftConflictException($"address pool {Pool} is exhausted: pass --subnet");
    }
}
