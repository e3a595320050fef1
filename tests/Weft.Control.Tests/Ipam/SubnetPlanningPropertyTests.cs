using CsCheck;
using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Services;

namespace Weft.Control.Tests.Ipam;

/// <summary>
/// Subnet planning as a property: random sequences of network creates (default or explicit --subnet) and removes through
/// the real NetworkService on a SQLite store, checked against a model (the list of subnets that should exist). Subnets
/// never overlap; a default subnet is the first free /24 of the configured pool; "pool exhausted" comes exactly when no
/// /24 of the pool is free; an explicit subnet is refused exactly when it overlaps an existing one.
/// </summary>
public sealed class SubnetPlanningPropertyTests
{
    private enum Op
    {
        CreateDefault,
        CreateDefaultAgain,
        CreateExplicit,
        Remove,
    }

    [Fact]
    public async Task Random_create_and_remove_sequences_never_overlap_and_exhaust_only_a_full_pool()
    {
        // Explicit subnets fall in 10.0.0.0/16 with prefixes /16../30, so they collide with the pools' first blocks.
        var step = Gen.Select(Gen.Enum<Op>(), Gen.UInt[0, 0xFFFF], Gen.Int[16, 30], Gen.Int[0, 1000]).Array[1, 40];
        var pools = Gen.OneOf("10.0.0.0/22", "10.0.4.0/23", "10.0.0.0/8");
        var exhausted = 0;
        await Gen.Select(pools, step).SampleAsync(async (poolText, steps) =>
        {
            var pool = Ipv4Cidr.Parse(poolText, "pool");
            await using var store = TestStores.InMemory();
            var networks = new ControlPlane(store, new ControlPlaneOptions { DefaultPool = poolText }).Networks;
            var model = new List<(string Name, Ipv4Cidr Subnet)>();
            var counter = 0;
            foreach (var (op, bits, prefix, pick) in steps)
            {
                var name = $"n{counter++}";
                switch (op)
                {
                    case Op.CreateDefault or Op.CreateDefaultAgain:
                        var free = FirstFreeBlock(pool, model);
                        if (free is null)
                        {
                            var e = await Assert.ThrowsAsync<WeftConflictException>(() => networks.CreateAsync(Request(name, null)));
                            Assert.Equal($"address pool {pool} is exhausted: pass --subnet", e.Message);
                            Interlocked.Increment(ref exhausted);
                            break;
                        }
                        var created = Ipv4Cidr.Parse((await networks.CreateAsync(Request(name, null))).Subnets[0].Subnet, "subnet");
                        Assert.Equal(24, created.PrefixLength);
                        Assert.True(pool.Contains(created), $"{created} outside the pool {pool}");
                        Assert.Equal(free, created);
                        model.Add((name, created));
                        break;
                    case Op.CreateExplicit:
                        var wanted = new Ipv4Cidr((0x0A000000u | bits) & Ipv4Cidr.MaskOf(prefix), prefix);
                        if (model.Find(m => m.Subnet.Overlaps(wanted)) is { Name: not null } clash)
                        {
                            var e = await Assert.ThrowsAsync<WeftConflictException>(() => networks.CreateAsync(Request(name, wanted.ToString())));
                            Assert.StartsWith($"subnet {wanted} overlaps network {clash.Name} ", e.Message);
                            break;
                        }
                        Assert.Equal(wanted.ToString(), (await networks.CreateAsync(Request(name, wanted.ToString()))).Subnets[0].Subnet);
                        model.Add((name, wanted));
                        break;
                    case Op.Remove when model.Count > 0:
                        var victim = model[pick % model.Count];
                        await networks.RemoveAsync(victim.Name);
                        model.Remove(victim);
                        break;
                }

                var stored = (await networks.ListAsync()).Select(n => Ipv4Cidr.Parse(n.Subnets[0].Subnet, "subnet")).ToList();
                Assert.Equal(model.Select(m => m.Subnet.ToString()).Order(StringComparer.Ordinal), stored.Select(c => c.ToString()).Order(StringComparer.Ordinal));
                for (var i = 0; i < stored.Count; i++)
                {
                    for (var j = i + 1; j < stored.Count; j++)
                    {
                        Assert.False(stored[i].Overlaps(stored[j]), $"{stored[i]} overlaps {stored[j]}");
                    }
                }
            }
        }, iter: 50);
        Assert.True(exhausted > 0, "no sequence reached an exhausted pool"); // the small pools make this certain in practice
    }

    /// <summary>The model's answer: the first /24 of the pool that overlaps no existing subnet, or null when none is left.</summary>
    private static Ipv4Cidr? FirstFreeBlock(Ipv4Cidr pool, List<(string Name, Ipv4Cidr Subnet)> model)
    {
        for (ulong network = pool.Network; network <= pool.Last; network += 256)
        {
            var block = new Ipv4Cidr((uint)network, 24);
            if (!model.Exists(m => m.Subnet.Overlaps(block)))
            {
                return block;
            }
        }
        return null;
    }

    private static NetworkCreateRequest Request(string name, string? subnet) => new() { Name = name, Subnet = subnet };
}
