using Weft.Control.Errors;
using Weft.Control.Ipam;

namespace Weft.Control.Tests.Ipam;

public sealed class VniAllocatorTests
{
    [Fact]
    public async Task Auto_starts_at_4096_skips_pinned_ones_and_reuses_released()
    {
        await using var store = TestStores.InMemory();
        var vnis = new VniAllocator(store);
        Assert.Equal(4096, await vnis.ClaimAsync("n1"));
        Assert.Equal(4098, await vnis.ClaimAsync("n2", 4098));
        Assert.Equal(4097, await vnis.ClaimAsync("n3"));
        Assert.Equal(4099, await vnis.ClaimAsync("n4"));
        Assert.True(await vnis.ReleaseAsync(4096));
        Assert.Equal(4096, await vnis.ClaimAsync("n5"));
        Assert.Equal(1, await vnis.ClaimAsync("n6", 1));
        Assert.Equal(16_777_215, await vnis.ClaimAsync("n7", 16_777_215));
    }

    [Fact]
    public async Task A_taken_vni_is_refused()
    {
        await using var store = TestStores.InMemory();
        var vnis = new VniAllocator(store);
        await vnis.ClaimAsync("0123456789abcdef", 5000);
        var e = await Assert.ThrowsAsync<WeftConflictException>(() => vnis.ClaimAsync("n2", 5000));
        Assert.Equal("vni 5000 is already used by network 0123456789ab: choose another vni or omit it", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(16_777_216)]
    public async Task Out_of_range_vni_is_refused(int vni)
    {
        await using var store = TestStores.InMemory();
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => new VniAllocator(store).ClaimAsync("n", vni));
        Assert.Equal($"vni {vni} is out of range: use 1..16777215", e.Message);
    }

    [Fact]
    public async Task Concurrent_auto_claims_are_distinct()
    {
        await using var store = TestStores.InMemory();
        var got = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => new VniAllocator(store).ClaimAsync($"n{i}"))));
        Assert.Equal(Enumerable.Range(4096, 20), got.Order());
    }
}
