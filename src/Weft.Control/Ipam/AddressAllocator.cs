using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Ipam;

/// <summary>
/// Hands out container addresses. Design note: every address is a key <c>ipam/&lt;networkId&gt;/&lt;ip&gt;</c> created with a
/// create-only compare-and-swap, so the store (SQLite or etcd) is the single arbiter and an address is never given twice,
/// whichever host asks. Automatic allocation takes the lowest free address of the ip-range (or subnet), skipping the
/// network and broadcast addresses, the gateway and the subnet's auxiliary addresses; on a lost race it moves to the next candidate. A fixed address must be
/// inside the subnet (as in Docker it may lie outside the ip-range, which only bounds automatic allocation).
/// </summary>
public sealed class AddressAllocator(IClusterStore store)
{
    /// <summary>Claims an address on <paramref name="network"/> for an endpoint and returns it (host order; <see cref="Ipv4.Format"/> for text).</summary>
    public async Task<uint> AllocateAsync(Network network, AddressClaim claim, string? fixedAddress = null, CancellationToken cancellationToken = default)
    {
        var config = network.Subnets[0];
        var subnet = Ipv4Cidr.Parse(config.Subnet, "subnet");
        var gateway = Ipv4.Parse(config.Gateway, "gateway");
        var value = ModelJson.Serialize(claim);
        var auxiliary = AuxiliaryAddresses.ByAddress(config);

        if (fixedAddress is not null)
        {
            var address = Ipv4.Parse(fixedAddress, "address");
            if (!subnet.Contains(address))
            {
                throw new WeftInvalidArgumentException($"address {fixedAddress} is outside subnet {subnet} of network {network.Name}: pick an address inside it");
            }

            SubnetPlanner.RefuseNetworkOrBroadcast(address, subnet, "address");
            if (address == gateway)
            {
                throw new WeftConflictException($"address {fixedAddress} is the gateway of network {network.Name}: pick another address");
            }

            if (auxiliary.TryGetValue(address, out var auxName))
            {
                throw new WeftConflictException($"address {fixedAddress} is reserved as auxiliary address '{auxName}' of network {network.Name}: pick another address");
            }

            if (await store.CompareAndSwapAsync(Keys.Address(network.Id, fixedAddress), 0, value, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return address;
            }

            var holder = await store.GetAsync(Keys.Address(network.Id, fixedAddress), cancellationToken).ConfigureAwait(false);
            var by = holder is null ? "" : $" by container {ModelJson.Deserialize<AddressClaim>(holder.Value).ContainerName}";
            throw new WeftConflictException($"address {fixedAddress} is already in use on network {network.Name}{by}: pick another address or omit --ip");
        }

        var range = config.IpRange is null ? subnet : Ipv4Cidr.Parse(config.IpRange, "ip-range");
        var taken = new HashSet<uint>();
        foreach (var kv in await store.ListAsync(Keys.Addresses(network.Id), cancellationToken).ConfigureAwait(false))
        {
            if (Ipv4.TryParse(kv.Key.AsSpan(Keys.Addresses(network.Id).Length), out var used))
            {
                taken.Add(used);
            }
        }

        for (ulong candidate = range.Network; candidate <= range.Last; candidate++)
        {
            var address = (uint)candidate;
            if (address == subnet.Network || address == subnet.Last || address == gateway || auxiliary.ContainsKey(address) || taken.Contains(address))
            {
                continue;
            }

            if (await store.CompareAndSwapAsync(Keys.Address(network.Id, Ipv4.Format(address)), 0, value, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return address;
            }
        }

        throw new WeftConflictException($"no free address left in {range} on network {network.Name}: remove a container or recreate the network with a larger --subnet or --ip-range");
    }

    /// <summary>Returns an address to the pool. True if it was claimed.</summary>
    public Task<bool> ReleaseAsync(string networkId, uint address, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(Keys.Address(networkId, Ipv4.Format(address)), cancellationToken: cancellationToken);

    /// <summary>The addresses claimed on a network, with their holders.</summary>
    public async Task<IReadOnlyList<(uint Address, AddressClaim Claim)>> ListAsync(string networkId, CancellationToken cancellationToken = default)
    {
        var prefix = Keys.Addresses(networkId);
        var result = new List<(uint, AddressClaim)>();
        foreach (var kv in await store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (Ipv4.TryParse(kv.Key.AsSpan(prefix.Length), out var address))
            {
                result.Add((address, ModelJson.Deserialize<AddressClaim>(kv.Value)));
            }
        }

        return result;
    }
}
