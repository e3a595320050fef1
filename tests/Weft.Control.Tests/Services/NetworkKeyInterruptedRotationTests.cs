using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

/// <summary>
/// A rotation writes the secret, then keymeta. Interrupted between the two (crash, shutdown, a caller's cancellation), it
/// must not leave an epoch with two keys (every host's key ring refuses that, and rotation would stop for good).
/// </summary>
public sealed class NetworkKeyInterruptedRotationTests : ControlPlaneFixture
{
    private readonly InterruptingStore _store;
    private readonly NetworkKeyService _service;

    public NetworkKeyInterruptedRotationTests()
    {
        _store = new InterruptingStore(Store);
        _service = new NetworkKeyService(_store, Clock, new NetworkKeyOptions { ActivateDelay = TimeSpan.FromSeconds(2), Overlap = TimeSpan.FromSeconds(30) });
    }

    private void FailNextKeyMetaWrite() => _store.BeforePut = key =>
    {
        if (!key.StartsWith(Weft.Control.Model.Keys.KeyMetaPrefix, StringComparison.Ordinal)) return;
        _store.BeforePut = null;
        throw new IOException("simulated crash before the keymeta write");
    };

    private async Task<List<uint>> StoredSecretEpochs(Network network) =>
        ModelJson.Deserialize<NetworkKeySecret>((await Store.GetAsync(Weft.Control.Model.Keys.SecretKeys(network.Id)))!.Value).Keys.Select(k => k.Epoch).ToList();

    private async Task<Network> EncryptedWithFirstKeys()
    {
        var network = await Create("sec", options: new() { ["encrypted"] = "" });
        await Plane.Endpoints.CreateAsync(network.Id, "c1", "host-a", null, newContainer: true);
        await _service.StepAllAsync();
        return network;
    }

    [Fact]
    public async Task A_rotation_interrupted_after_the_secret_write_is_followed_by_one_with_one_key_per_epoch_that_activates()
    {
        var network = await EncryptedWithFirstKeys();
        FailNextKeyMetaWrite();
        await Assert.ThrowsAsync<IOException>(() => _service.RotateAsync(network));
        Assert.Equal([1u, 2u], await StoredSecretEpochs(network));                                     // the leftover key ...
        Assert.Equal([1u], (await _service.GetAsync(network)).Keys.Select(k => k.Epoch));              // ... never handed out

        var meta = await _service.RotateAsync(network);
        Assert.Equal([1u, 3u], meta.Epochs.Select(e => e.Epoch));                                       // counted past the leftover
        Assert.Equal([1u, 3u], await StoredSecretEpochs(network));                                      // and dropped
        var keys = await _service.GetAsync(network);
        Assert.Equal([1u, 3u], keys.Keys.Select(k => k.Epoch));
        Assert.Equal(2, keys.Keys.Select(k => Convert.ToHexString(k.Key)).Distinct().Count());

        await Confirm(network, "host-a", 3);
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3u, (await _service.StepAsync(network)).SendEpoch);
        Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([3u], (await _service.StepAsync(network)).Epochs.Select(e => e.Epoch));
        Assert.Equal([3u], await StoredSecretEpochs(network));
    }

    [Fact]
    public async Task A_fresh_epoch_request_interrupted_after_the_secret_write_is_retried_with_one_key_per_epoch()
    {
        var network = await EncryptedWithFirstKeys();
        FailNextKeyMetaWrite();
        await Assert.ThrowsAsync<IOException>(() => _service.GetFreshForMemberAsync(network.Id, "host-a"));

        var keys = await _service.GetFreshForMemberAsync(network.Id, "host-a");
        Assert.Equal(3u, keys.FreshEpoch);
        Assert.Equal([1u, 3u], keys.Keys.Select(k => k.Epoch));
        Assert.Equal([1u, 3u], await StoredSecretEpochs(network));
        await Confirm(network, "host-a", 3);
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3u, (await _service.StepAsync(network)).SendEpoch);
    }

    [Fact]
    public async Task A_caller_cancelling_once_the_secret_is_written_still_gets_keymeta_written()
    {
        var network = await EncryptedWithFirstKeys();
        using var cancel = new CancellationTokenSource();
        _store.BeforePut = key =>
        {
            if (key.StartsWith(Weft.Control.Model.Keys.SecretsPrefix, StringComparison.Ordinal)) cancel.Cancel();
        };

        var meta = await _service.RotateAsync(network, cancel.Token);
        Assert.True(cancel.IsCancellationRequested);
        Assert.Equal([1u, 2u], meta.Epochs.Select(e => e.Epoch));
        var stored = ModelJson.Deserialize<NetworkKeyMeta>((await Store.GetAsync(Weft.Control.Model.Keys.KeyMeta(network.Id)))!.Value);
        Assert.Equal([1u, 2u], stored.Epochs.Select(e => e.Epoch));
        Assert.Equal([1u, 2u], await StoredSecretEpochs(network));
    }

    [Fact]
    public async Task A_pair_already_holding_two_keys_for_one_epoch_is_replaced_by_a_new_epoch()
    {
        var network = await EncryptedWithFirstKeys();
        await _service.RotateAsync(network);
        var secret = ModelJson.Deserialize<NetworkKeySecret>((await Store.GetAsync(Weft.Control.Model.Keys.SecretKeys(network.Id)))!.Value);
        var doubled = new NetworkKeySecret { Keys = [.. secret.Keys, new EpochKey(2, new byte[NetworkKeyService.KeySize])] };
        await Store.PutAsync(Weft.Control.Model.Keys.SecretKeys(network.Id), ModelJson.Serialize(doubled)); // left by the old bug

        var keys = await _service.GetAsync(network);
        Assert.Equal([3u], keys.Keys.Select(k => k.Epoch));
        Assert.Equal(3u, keys.Meta.SendEpoch);
        Assert.Equal([3u], await StoredSecretEpochs(network));
    }

    private Task Confirm(Network network, string host, uint epoch) =>
        Store.PutAsync(Weft.Control.Model.Keys.KeyInstalled(network.Id, host), ModelJson.Serialize(new KeyInstalled(epoch)));
}
