// Design note — network keys on the manager.
// The manager makes each encrypted network's keys (32 random bytes per epoch) and keeps them in its own store under
// secrets/keys/<networkId>, which the store service never serves to other nodes; member hosts get them through the
// keys.get call, which checks membership. What all hosts may see (epochs, send epoch, schedule) is keymeta/<networkId>:
// its changes wake every reconciler. Rotation without loss is a small state machine kept in keymeta itself, so a restarted
// manager resumes it: add epoch e+1 (members install it) → after ActivateDelay, once every member host confirmed it installed
// (keyinstalled/<networkId>/<host>, written by each member; at most ConfirmTimeout later) send with e+1 → after Overlap
// retire e.
// The secret is always written before the metadata that names its epoch, so a host woken by keymeta finds the key. The two
// writes are separate, so once the secret is written the metadata follows regardless of the caller's cancellation; a crash
// between them leaves a key in the secret that keymeta does not name. Such a leftover is never handed out (keys are
// filtered by keymeta), and the next epoch is counted past it and drops it, so every epoch keeps exactly one key.
// A host whose key ring is new (weftd restarted, or the host left the network and rejoined) lost its replay windows, so it
// asks for a *fresh* epoch and accepts inbound only that one and later ones: the newest epoch if a rotation is under way and
// it is not the send epoch yet (nobody has sealed with it: activation happens only here, under the same gate), else a new
// epoch (a rotation starts now). Hosts restarting together share one rotation.
using System.Security.Cryptography;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Services;

/// <summary>Creates, rotates and hands out encrypted networks' keys; runs on the manager's (local) store only.</summary>
public sealed class NetworkKeyService(IClusterStore store, TimeProvider? time = null, NetworkKeyOptions? options = null)
{
    public const int KeySize = 32;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public NetworkKeyOptions Options { get; } = options ?? new NetworkKeyOptions();

    /// <summary>Raised after an on-demand rotation changed the schedule (a scheduler waiting for the next due step re-plans).</summary>
    public event Action? Rotated;

    /// <summary>
    /// Brings every encrypted network's keys up to date (creates missing ones, moves rotations on, starts due rotations) and
    /// removes the keys of networks that are gone or not encrypted. Returns when the next step is due (null: nothing scheduled).
    /// </summary>
    public async Task<DateTimeOffset?> StepAllAsync(CancellationToken cancellationToken = default)
    {
        var networks = (await store.ListAsync(Keys.NetworksPrefix, cancellationToken).ConfigureAwait(false))
            .Select(kv => ModelJson.Deserialize<Network>(kv.Value)).Where(n => n.Encrypted).ToDictionary(n => n.Id);
        DateTimeOffset? due = null;
        foreach (var network in networks.Values)
        {
            var meta = await StepAsync(network, cancellationToken).ConfigureAwait(false);
            var next = Due(meta);
            if (next <= _time.GetUtcNow()) next = _time.GetUtcNow() + Options.ConfirmPoll; // activation waiting for members
            if (due is null || next < due) due = next;
        }
        foreach (var kv in await store.ListAsync(Keys.KeyMetaPrefix, cancellationToken).ConfigureAwait(false))
        {
            var id = kv.Key[Keys.KeyMetaPrefix.Length..];
            if (!networks.ContainsKey(id)) await store.DeleteAsync(kv.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        foreach (var kv in await store.ListAsync(Keys.SecretKeysPrefix, cancellationToken).ConfigureAwait(false))
        {
            var id = kv.Key[Keys.SecretKeysPrefix.Length..];
            if (!networks.ContainsKey(id)) await store.DeleteAsync(kv.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        foreach (var kv in await store.ListAsync(Keys.KeyInstalledPrefix, cancellationToken).ConfigureAwait(false))
        {
            var id = kv.Key[Keys.KeyInstalledPrefix.Length..].Split('/')[0];
            if (!networks.ContainsKey(id)) await store.DeleteAsync(kv.Key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return due;
    }

    /// <summary>One step of <paramref name="network"/>'s key state machine at the current time; returns the metadata now stored.</summary>
    public async Task<NetworkKeyMeta> StepAsync(Network network, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            var meta = await ReadMetaAsync(network.Id, cancellationToken).ConfigureAwait(false);
            var secret = await ReadSecretAsync(network.Id, cancellationToken).ConfigureAwait(false);
            var before = meta;
            if (meta is null || secret is null || !meta.Epochs.All(e => secret.Keys.Count(k => k.Epoch == e.Epoch) == 1))
            {
                // First keys (or a damaged pair — an epoch without a key, or with two, as a rotation interrupted before
                // this was fixed could leave — which is replaced: hosts re-key on the new epoch).
                var first = NextEpoch(meta, secret);
                secret = new NetworkKeySecret { Keys = [new EpochKey(first, RandomNumberGenerator.GetBytes(KeySize))] };
                await WriteSecretAsync(network.Id, secret).ConfigureAwait(false);
                meta = new NetworkKeyMeta
                {
                    NetworkId = network.Id, Epochs = [new KeyEpochMeta(first, now)], SendEpoch = first, NextRotation = now + Interval(network),
                };
            }
            if (meta.ActivateAt is { } activate && activate <= now
                && (now >= activate + Options.ConfirmTimeout || await AllMembersInstalledAsync(network, meta.Epochs.Max(e => e.Epoch), cancellationToken).ConfigureAwait(false)))
            {
                meta = meta with { SendEpoch = meta.Epochs.Max(e => e.Epoch), ActivateAt = null, RetireAt = now + Options.Overlap };
            }
            if (meta.RetireAt is { } retire && retire <= now)
            {
                var keep = meta.SendEpoch;
                meta = meta with { Epochs = meta.Epochs.Where(e => e.Epoch >= keep).ToList(), RetireAt = null };
            }
            if (meta.ActivateAt is null && meta.RetireAt is null && meta.NextRotation <= now)
            {
                meta = await AddEpochAsync(network, meta, secret, now).ConfigureAwait(false);
            }
            if (!ReferenceEquals(meta, before))
            {
                await WriteMetaAsync(meta).ConfigureAwait(false);
                // Keys of retired epochs are erased from the store once no metadata names them.
                var live = meta.Epochs.Select(e => e.Epoch).ToHashSet();
                var current = await ReadSecretAsync(network.Id, CancellationToken.None).ConfigureAwait(false) ?? secret;
                if (current.Keys.Any(k => !live.Contains(k.Epoch)))
                    await WriteSecretAsync(network.Id, new NetworkKeySecret { Keys = current.Keys.Where(k => live.Contains(k.Epoch)).ToList() }).ConfigureAwait(false);
            }
            return meta;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts a rotation of <paramref name="network"/> now (on demand); returns the new metadata.</summary>
    public async Task<NetworkKeyMeta> RotateAsync(Network network, CancellationToken cancellationToken = default)
    {
        RequireEncrypted(network);
        await StepAsync(network, cancellationToken).ConfigureAwait(false); // keys exist, schedule up to date
        NetworkKeyMeta meta;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            meta = (await ReadMetaAsync(network.Id, cancellationToken).ConfigureAwait(false))!;
            var secret = (await ReadSecretAsync(network.Id, cancellationToken).ConfigureAwait(false))!;
            meta = await AddEpochAsync(network, meta, secret, _time.GetUtcNow()).ConfigureAwait(false);
            await WriteMetaAsync(meta).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        Rotated?.Invoke();
        return meta;
    }

    /// <summary>
    /// Like <see cref="RotateAsync"/> on behalf of host <paramref name="nodeName"/>, only if that host has an endpoint on
    /// network <paramref name="networkId"/>; otherwise <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public async Task<NetworkKeyMeta> RotateForMemberAsync(string networkId, string nodeName, CancellationToken cancellationToken = default)
    {
        var network = await RequireMemberAsync(networkId, nodeName, "rotate keys", cancellationToken,
            "; run 'weft network rotate-key' against the manager or a host with a container on the network").ConfigureAwait(false);
        return await RotateAsync(network, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The keys of encrypted <paramref name="network"/> (made now if it has none yet).</summary>
    public async Task<NetworkKeys> GetAsync(Network network, CancellationToken cancellationToken = default)
    {
        RequireEncrypted(network);
        var meta = await StepAsync(network, cancellationToken).ConfigureAwait(false);
        var secret = await ReadSecretAsync(network.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"get keys of network {network.Name}: the keys vanished from the store");
        var live = meta.Epochs.Select(e => e.Epoch).ToHashSet();
        return new NetworkKeys(meta, secret.Keys.Where(k => live.Contains(k.Epoch)).ToList());
    }

    /// <summary>
    /// The keys of network <paramref name="networkId"/> for host <paramref name="nodeName"/>, only if that host has an
    /// endpoint on the network; otherwise <see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public async Task<NetworkKeys> GetForMemberAsync(string networkId, string nodeName, CancellationToken cancellationToken = default)
    {
        var network = await RequireMemberAsync(networkId, nodeName, "get keys", cancellationToken).ConfigureAwait(false);
        return await GetAsync(network, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Network> RequireMemberAsync(string networkId, string nodeName, string operation, CancellationToken cancellationToken, string remedy = "")
    {
        var network = await store.GetAsync(Keys.Network(networkId), cancellationToken).ConfigureAwait(false) is { } kv
            ? ModelJson.Deserialize<Network>(kv.Value)
            : throw new WeftNotFoundException($"{operation} of network {networkId}: no such network");
        var endpoints = await store.ListAsync(Keys.Endpoints(network.Id), cancellationToken).ConfigureAwait(false);
        if (!endpoints.Any(e => ModelJson.Deserialize<Endpoint>(e.Value).Host == nodeName))
            throw new UnauthorizedAccessException($"{operation} of network {network.Name} refused: host {nodeName} has no endpoint on it{remedy}");
        return network;
    }

    /// <summary>
    /// Like <see cref="GetForMemberAsync"/> for a host whose key ring is new: the keys include a fresh epoch (see
    /// <see cref="FreshEpochAsync"/>), named in <see cref="NetworkKeys.FreshEpoch"/>.
    /// </summary>
    public async Task<NetworkKeys> GetFreshForMemberAsync(string networkId, string nodeName, CancellationToken cancellationToken = default)
    {
        var network = await RequireMemberAsync(networkId, nodeName, "get fresh keys", cancellationToken).ConfigureAwait(false);
        var fresh = await FreshEpochAsync(network, cancellationToken).ConfigureAwait(false);
        var keys = await GetAsync(network, cancellationToken).ConfigureAwait(false);
        return keys with { FreshEpoch = fresh };
    }

    /// <summary>
    /// An epoch of encrypted <paramref name="network"/> that no host has sealed with yet: the newest one while a rotation
    /// waits for its activation (requests coalesce), otherwise a new one (starting a rotation now).
    /// </summary>
    public async Task<uint> FreshEpochAsync(Network network, CancellationToken cancellationToken = default)
    {
        RequireEncrypted(network);
        await StepAsync(network, cancellationToken).ConfigureAwait(false); // keys exist, schedule up to date
        uint fresh;
        var rotated = false;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var meta = (await ReadMetaAsync(network.Id, cancellationToken).ConfigureAwait(false))!;
            fresh = meta.Epochs.Max(e => e.Epoch);
            if (fresh <= meta.SendEpoch)
            {
                var secret = (await ReadSecretAsync(network.Id, cancellationToken).ConfigureAwait(false))!;
                meta = await AddEpochAsync(network, meta, secret, _time.GetUtcNow()).ConfigureAwait(false);
                await WriteMetaAsync(meta).ConfigureAwait(false);
                fresh = meta.Epochs.Max(e => e.Epoch);
                rotated = true;
            }
        }
        finally
        {
            _gate.Release();
        }
        if (rotated) Rotated?.Invoke();
        return fresh;
    }

    /// <summary>True when every host with an endpoint on <paramref name="network"/> confirmed <paramref name="epoch"/> installed.</summary>
    private async Task<bool> AllMembersInstalledAsync(Network network, uint epoch, CancellationToken cancellationToken)
    {
        var members = (await store.ListAsync(Keys.Endpoints(network.Id), cancellationToken).ConfigureAwait(false))
            .Select(kv => ModelJson.Deserialize<Endpoint>(kv.Value).Host).Where(h => !string.IsNullOrEmpty(h)).ToHashSet();
        if (members.Count == 0) return true;
        var prefix = Keys.KeysInstalled(network.Id);
        var confirmed = (await store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            .Where(kv => ModelJson.Deserialize<KeyInstalled>(kv.Value).Epoch >= epoch)
            .Select(kv => kv.Key[prefix.Length..]).ToHashSet();
        return members.IsSubsetOf(confirmed);
    }

    /// <summary>When <paramref name="meta"/>'s next step is due.</summary>
    public static DateTimeOffset Due(NetworkKeyMeta meta) =>
        new[] { meta.ActivateAt, meta.RetireAt, meta.NextRotation }.Where(t => t is not null).Min()!.Value;

    public static void RequireEncrypted(Network network)
    {
        if (!network.Encrypted) throw new WeftInvalidArgumentException($"network {network.Name} is not encrypted: nothing to rotate");
    }

    /// <summary>
    /// Adds a new epoch's key to the secret (written here, not cancellable once begun: the caller writes the returned
    /// metadata next, also without cancellation). The epoch follows every epoch named in <paramref name="meta"/> or present
    /// in <paramref name="secret"/>, and keys keymeta does not name (left by a rotation interrupted between the two writes)
    /// are dropped, so no epoch ever has two keys.
    /// </summary>
    private async Task<NetworkKeyMeta> AddEpochAsync(Network network, NetworkKeyMeta meta, NetworkKeySecret secret, DateTimeOffset now)
    {
        var named = meta.Epochs.Select(e => e.Epoch).ToHashSet();
        var epoch = NextEpoch(meta, secret);
        var keys = secret.Keys.Where(k => named.Contains(k.Epoch)).Append(new EpochKey(epoch, RandomNumberGenerator.GetBytes(KeySize))).ToList();
        await WriteSecretAsync(network.Id, new NetworkKeySecret { Keys = keys }).ConfigureAwait(false);
        return meta with
        {
            Epochs = [.. meta.Epochs, new KeyEpochMeta(epoch, now)],
            ActivateAt = now + Options.ActivateDelay,
            NextRotation = now + Interval(network),
        };
    }

    private TimeSpan Interval(Network network) => network.EncryptionRotation ?? Options.DefaultRotation;

    private async Task<NetworkKeyMeta?> ReadMetaAsync(string networkId, CancellationToken cancellationToken) =>
        await store.GetAsync(Keys.KeyMeta(networkId), cancellationToken).ConfigureAwait(false) is { } kv ? ModelJson.Deserialize<NetworkKeyMeta>(kv.Value) : null;

    /// <summary>The epoch after every one keymeta names or the secret holds (a leftover of an interrupted rotation included).</summary>
    private static uint NextEpoch(NetworkKeyMeta? meta, NetworkKeySecret? secret) =>
        Math.Max(meta?.Epochs.Max(e => e.Epoch) ?? 0, secret?.Keys.Select(k => k.Epoch).DefaultIfEmpty(0u).Max() ?? 0) + 1;

    private async Task<NetworkKeySecret?> ReadSecretAsync(string networkId, CancellationToken cancellationToken) =>
        await store.GetAsync(Keys.SecretKeys(networkId), cancellationToken).ConfigureAwait(false) is { } kv ? ModelJson.Deserialize<NetworkKeySecret>(kv.Value) : null;

    // Writes of the secret/keymeta pair are never cancelled: a caller's cancellation must not split them.
    private Task WriteMetaAsync(NetworkKeyMeta meta) =>
        store.PutAsync(Keys.KeyMeta(meta.NetworkId), ModelJson.Serialize(meta), cancellationToken: CancellationToken.None);

    private Task WriteSecretAsync(string networkId, NetworkKeySecret secret) =>
        store.PutAsync(Keys.SecretKeys(networkId), ModelJson.Serialize(secret), cancellationToken: CancellationToken.None);
}
