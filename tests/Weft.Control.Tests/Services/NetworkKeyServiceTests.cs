using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

/// <summary>The manager's key state machine on a fake clock: first keys, scheduled and on-demand rotation, overlap, retirement.</summary>
public sealed class NetworkKeyServiceTests : ControlPlaneFixture
{
    private NetworkKeyService Keys() => new(Store, Clock, new NetworkKeyOptions { ActivateDelay = TimeSpan.FromSeconds(2), Overlap = TimeSpan.FromSeconds(30) });

    private Task Confirm(Network network, string host, uint epoch) =>
        Store.PutAsync(Weft.Control.Model.Keys.KeyInstalled(network.Id, host), ModelJson.Serialize(new KeyInstalled(epoch)));

    private Task<Network> Encrypted(string name, string? rotation = null) =>
        Create(name, options: rotation is null ? new() { ["encrypted"] = "" } : new() { ["encrypted"] = "", ["encryption-rotation"] = rotation });

    [Fact]
    public async Task First_step_makes_epoch_1_with_a_random_32_byte_key_and_schedules_the_default_rotation()
    {
        var network = await Encrypted("sec");
        var service = Keys();
        var due = await service.StepAllAsync();

        var keys = await service.GetAsync(network);
        Assert.Equal(1u, keys.Meta.SendEpoch);
        Assert.Equal([1u], keys.Meta.Epochs.Select(e => e.Epoch));
        var key = Assert.Single(keys.Keys);
        Assert.Equal(32, key.Key.Length);
        Assert.Contains(key.Key, b => b != 0);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromHours(12), keys.Meta.NextRotation);
        Assert.Equal(keys.Meta.NextRotation, due);
        Assert.NotNull(await Store.GetAsync(Weft.Control.Model.Keys.SecretKeys(network.Id)));
    }

    [Fact]
    public async Task Plain_networks_get_no_keys_and_rotating_one_is_refused()
    {
        var plain = await Create("plain");
        var service = Keys();
        Assert.Null(await service.StepAllAsync());
        Assert.Empty(await Store.ListAsync(Weft.Control.Model.Keys.KeyMetaPrefix));
        var e = await Assert.ThrowsAsync<WeftInvalidArgumentException>(() => service.RotateAsync(plain));
        Assert.Equal("network plain is not encrypted: nothing to rotate", e.Message);
    }

    [Fact]
    public async Task Rotation_installs_first_activates_after_the_delay_and_retires_the_old_epoch_after_the_overlap()
    {
        var network = await Encrypted("sec");
        var service = Keys();
        await service.StepAllAsync();
        var oldKey = (await service.GetAsync(network)).Keys.Single().Key;

        var rotating = await service.RotateAsync(network);
        Assert.Equal([1u, 2u], rotating.Epochs.Select(e => e.Epoch)); // everyone installs 2 ...
        Assert.Equal(1u, rotating.SendEpoch);                          // ... but still sends with 1
        var both = await service.GetAsync(network);
        Assert.Equal(2, both.Keys.Count);
        Assert.NotEqual(oldKey, both.Keys[1].Key);

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1u, (await service.StepAsync(network)).SendEpoch);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var overlap = await service.StepAsync(network);
        Assert.Equal(2u, overlap.SendEpoch);
        Assert.Equal([1u, 2u], overlap.Epochs.Select(e => e.Epoch)); // old one still accepted

        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(2, (await service.StepAsync(network)).Epochs.Count);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var done = await service.StepAsync(network);
        Assert.Equal([2u], done.Epochs.Select(e => e.Epoch));
        Assert.Null(done.ActivateAt);
        Assert.Null(done.RetireAt);
        Assert.Equal([2u], (await service.GetAsync(network)).Keys.Select(k => k.Epoch)); // epoch 1's key erased from the store
    }

    [Fact]
    public async Task A_second_rotation_before_activation_postpones_it_so_every_member_installs_the_newest_epoch_first()
    {
        var network = await Encrypted("sec");
        var service = Keys();
        await service.StepAllAsync();
        await service.RotateAsync(network);
        Clock.Advance(TimeSpan.FromSeconds(1.5));
        var again = await service.RotateAsync(network);
        Assert.Equal([1u, 2u, 3u], again.Epochs.Select(e => e.Epoch));
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromSeconds(2), again.ActivateAt);

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1u, (await service.StepAsync(network)).SendEpoch);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3u, (await service.StepAsync(network)).SendEpoch);
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([3u], (await service.StepAsync(network)).Epochs.Select(e => e.Epoch));
    }

    [Fact]
    public async Task Scheduled_rotation_follows_the_networks_encryption_rotation()
    {
        var network = await Encrypted("sec", rotation: "10m");
        var service = Keys();
        await service.StepAllAsync();
        Clock.Advance(TimeSpan.FromMinutes(10));
        var due = await service.StepAllAsync();
        var meta = (await service.GetAsync(network)).Meta;
        Assert.Equal([1u, 2u], meta.Epochs.Select(e => e.Epoch));
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromSeconds(2), due);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(10), meta.NextRotation);
    }

    [Fact]
    public async Task Keys_go_only_to_hosts_with_an_endpoint_on_the_network_and_vanish_with_the_network()
    {
        var network = await Encrypted("sec");
        await Plane.Endpoints.CreateAsync(network.Id, "c1", "host-a", null, newContainer: true);
        var service = Keys();

        Assert.Single((await service.GetForMemberAsync(network.Id, "host-a")).Keys);
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.GetForMemberAsync(network.Id, "host-b"));
        Assert.Contains("host host-b has no endpoint", refused.Message);

        await Plane.Endpoints.RemoveAsync(network.Id, "c1");
        await Plane.Networks.RemoveAsync("sec");
        await service.StepAllAsync();
        Assert.Empty(await Store.ListAsync(Weft.Control.Model.Keys.KeyMetaPrefix));
        Assert.Empty(await Store.ListAsync(Weft.Control.Model.Keys.SecretsPrefix));
    }

    [Fact]
    public async Task A_fresh_epoch_for_a_new_ring_is_one_nobody_sends_with_yet_and_requests_during_a_rotation_share_it()
    {
        var network = await Encrypted("sec");
        await Plane.Endpoints.CreateAsync(network.Id, "c1", "host-a", null, newContainer: true);
        await Plane.Endpoints.CreateAsync(network.Id, "c2", "host-b", null, newContainer: true);
        var service = Keys();
        await service.StepAllAsync();

        // host-a restarted: epoch 1 is in use, so a rotation starts and epoch 2 (not yet sent with) is its fresh epoch.
        var a = await service.GetFreshForMemberAsync(network.Id, "host-a");
        Assert.Equal(2u, a.FreshEpoch);
        Assert.Equal(1u, a.Meta.SendEpoch);                                  // it keeps sending with 1 meanwhile
        Assert.Equal([1u, 2u], a.Keys.Select(k => k.Epoch));                 // and already holds the fresh key
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromSeconds(2), a.Meta.ActivateAt);

        // host-b restarted at the same time: same rotation, same fresh epoch, no postponed activation.
        Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await service.GetFreshForMemberAsync(network.Id, "host-b");
        Assert.Equal(2u, b.FreshEpoch);
        Assert.Equal(a.Meta.ActivateAt, b.Meta.ActivateAt);
        Assert.Equal([1u, 2u], b.Meta.Epochs.Select(e => e.Epoch));

        // Once 2 is the send epoch (both members confirmed it installed) it is no longer fresh: a later restart gets 3.
        await Confirm(network, "host-a", 2);
        await Confirm(network, "host-b", 2);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2u, (await service.StepAsync(network)).SendEpoch);
        Assert.Equal(3u, (await service.GetFreshForMemberAsync(network.Id, "host-a")).FreshEpoch);
        Assert.Null((await service.GetForMemberAsync(network.Id, "host-a")).FreshEpoch); // an ordinary fetch names none

        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.GetFreshForMemberAsync(network.Id, "host-c"));
        Assert.Contains("host host-c has no endpoint", refused.Message);
    }

    [Fact]
    public async Task A_restarted_manager_resumes_the_rotation_a_fresh_epoch_started()
    {
        var network = await Encrypted("sec");
        await Plane.Endpoints.CreateAsync(network.Id, "c1", "host-a", null, newContainer: true);
        await Keys().StepAllAsync();
        Assert.Equal(2u, (await Keys().GetFreshForMemberAsync(network.Id, "host-a")).FreshEpoch);

        var restarted = Keys(); // a new service on the same store: state is only in keymeta
        Assert.Equal(2u, await restarted.FreshEpochAsync(network)); // still pending: shared, not a second rotation
        await Confirm(network, "host-a", 2);
        Clock.Advance(TimeSpan.FromSeconds(2));
        await restarted.StepAllAsync();
        Assert.Equal(2u, (await restarted.GetAsync(network)).Meta.SendEpoch);
    }

    [Fact]
    public async Task Activation_waits_until_every_member_confirmed_the_new_epoch_installed_or_the_confirm_timeout()
    {
        var network = await Encrypted("sec");
        await Plane.Endpoints.CreateAsync(network.Id, "c1", "host-a", null, newContainer: true);
        await Plane.Endpoints.CreateAsync(network.Id, "c2", "host-b", null, newContainer: true);
        var service = Keys();
        await service.StepAllAsync();
        await service.RotateAsync(network);

        Clock.Advance(TimeSpan.FromSeconds(2));
        await Confirm(network, "host-a", 2);
        await Confirm(network, "host-b", 1); // b has not installed 2 yet
        Assert.Equal(1u, (await service.StepAsync(network)).SendEpoch);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMilliseconds(250), await service.StepAllAsync()); // polls, no busy loop
        await Confirm(network, "host-b", 2);
        Assert.Equal(2u, (await service.StepAsync(network)).SendEpoch);

        // A member that never confirms (down) holds the next rotation back at most ConfirmTimeout past the delay.
        await service.RotateAsync(network);
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Confirm(network, "host-a", 3);
        Assert.Equal(2u, (await service.StepAsync(network)).SendEpoch);
        Clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(2u, (await service.StepAsync(network)).SendEpoch);
        Clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(3u, (await service.StepAsync(network)).SendEpoch);

        await Plane.Endpoints.RemoveAsync(network.Id, "c1");
        await Plane.Endpoints.RemoveAsync(network.Id, "c2");
        await Plane.Networks.RemoveAsync("sec");
        await service.StepAllAsync();
        Assert.Empty(await Store.ListAsync(Weft.Control.Model.Keys.KeyInstalledPrefix)); // confirmations go with the network
    }
}
