using Weft.Cluster.KeyDistribution;
using Weft.Control.Errors;
using Weft.Control.Services;

namespace Weft.Cluster.Tests.KeyDistribution;

/// <summary>
/// keys.get and keys.get-fresh over the real channel: a host with an endpoint on the network gets its keys (with a fresh
/// epoch when it asks for one) and may rotate them; any other host is refused.
/// </summary>
public sealed class KeyServiceTests : ClusterTest
{
    [Fact]
    public async Task A_member_gets_the_keys_and_a_non_member_is_refused()
    {
        var plane = new ControlPlane(Cluster.Store);
        var network = await plane.Networks.CreateAsync(new NetworkCreateRequest { Name = "secure", Options = new Dictionary<string, string> { ["encrypted"] = "" } });
        await plane.Endpoints.CreateAsync(network.Id, "c1", "worker-a", newContainer: true);
        using var member = await Cluster.JoinAsync("worker-a");
        using var outsider = await Cluster.JoinAsync("worker-b");

        var keys = await new KeyClient(Cluster.Client(member)).GetAsync(network.Id);
        Assert.Equal(1u, keys.Meta.SendEpoch);
        var key = Assert.Single(keys.Keys);
        Assert.Equal(32, key.Key.Length);
        Assert.Equal(key.Key, (await new NetworkKeyService(Cluster.Store).GetAsync(network)).Keys.Single().Key);

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => new KeyClient(Cluster.Client(outsider)).GetAsync(network.Id));
        Assert.Contains("host worker-b has no endpoint", refused.Message);
    }

    [Fact]
    public async Task A_member_with_a_new_key_ring_gets_a_fresh_epoch_and_its_key_and_a_non_member_is_refused()
    {
        var plane = new ControlPlane(Cluster.Store);
        var network = await plane.Networks.CreateAsync(new NetworkCreateRequest { Name = "secure", Options = new Dictionary<string, string> { ["encrypted"] = "" } });
        await plane.Endpoints.CreateAsync(network.Id, "c1", "worker-a", newContainer: true);
        using var member = await Cluster.JoinAsync("worker-a");
        using var outsider = await Cluster.JoinAsync("worker-b");

        var keys = await new KeyClient(Cluster.Client(member)).GetFreshAsync(network.Id);
        Assert.Equal(2u, keys.FreshEpoch);                                   // epoch 1 was already the send epoch
        Assert.Equal(1u, keys.Meta.SendEpoch);
        Assert.Equal([1u, 2u], keys.Keys.Select(k => k.Epoch));
        Assert.Equal(keys.Keys[1].Key, (await new NetworkKeyService(Cluster.Store).GetAsync(network)).Keys[1].Key);

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => new KeyClient(Cluster.Client(outsider)).GetFreshAsync(network.Id));
        Assert.Contains("host worker-b has no endpoint", refused.Message);
    }

    [Fact]
    public async Task A_member_can_rotate_an_encrypted_network_but_not_a_plain_one_and_a_non_member_is_refused()
    {
        var plane = new ControlPlane(Cluster.Store);
        var secure = await plane.Networks.CreateAsync(new NetworkCreateRequest { Name = "secure", Options = new Dictionary<string, string> { ["encrypted"] = "" } });
        var plain = await plane.Networks.CreateAsync(new NetworkCreateRequest { Name = "plain" });
        await plane.Endpoints.CreateAsync(secure.Id, "c1", "worker-a", newContainer: true);
        await plane.Endpoints.CreateAsync(plain.Id, "c2", "worker-a", newContainer: true);
        using var worker = await Cluster.JoinAsync("worker-a");
        using var outsider = await Cluster.JoinAsync("worker-b");
        var client = new KeyClient(Cluster.Client(worker));

        var meta = await client.RotateAsync(secure.Id);
        Assert.Equal([1u, 2u], meta.Epochs.Select(e => e.Epoch));
        Assert.Equal(1u, meta.SendEpoch);
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => client.RotateAsync(plain.Id));
        Assert.Equal("network plain is not encrypted: nothing to rotate", e.Message);

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => new KeyClient(Cluster.Client(outsider)).RotateAsync(secure.Id));
        Assert.Equal("rotate keys of network secure refused: host worker-b has no endpoint on it; run 'weft network rotate-key' against the manager or a host with a container on the network", refused.Message);
        Assert.Equal([1u, 2u], (await new NetworkKeyService(Cluster.Store).GetAsync(secure)).Meta.Epochs.Select(k => k.Epoch)); // no rotation
    }
}
