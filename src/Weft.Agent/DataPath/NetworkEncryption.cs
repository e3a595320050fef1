// Design note — keys on a member host.
// One nonce counter per host (a 0600 file under the data dir, opened on first use) and one sender id (the underlay IPv4
// address) serve every encrypted network; each encrypted network gets one KeyRing, set on the VTEP (under its VNI) before
// the network's device is attached, so its traffic is never plain: without keys yet the ring is empty and the VTEP drops
// (fail closed). Rings are kept by network ID, not VNI: a network deleted and recreated with the same VNI between two
// passes is another network with other keys, epochs and replay windows, so it gets a new ring that replaces the old one
// on the VTEP (the old ring, keyed by the gone network's ID, is disposed, never reused). Keys are fetched (keys.get on a
// worker, the local store on the manager) only when the network's keymeta changed, then the ring follows the metadata:
// install every listed epoch, seal with the send epoch, retire the rest.
// The fetched key bytes are zeroed once installed; the data plane keeps its own copy in guarded memory.
// Replay windows live only in the ring, so a new ring (weftd restarted, or the host left the network and rejoined) must not
// accept epochs under which this host may have received datagrams before it existed: those it once held (HeldEpochs, on
// disk). The ring accepts inbound only from the highest held epoch + 1 on (older ones are dropped as StaleEpoch); when no
// listed epoch is that new, its first fetch asks the manager for a fresh epoch instead (keys.get-fresh: one nobody has
// sealed with yet, from a rotation started or already under way). It sends with the current epoch meanwhile (nonces are
// persisted). The cost, only after a restart or a rejoin within one key period: about ActivateDelay (2 s) of inbound loss on
// that host until the fresh epoch is activated everywhere. A host's first container on a network costs no rotation.
// After installing, the host confirms the newest epoch it holds (keyinstalled/<networkId>/<node>): the manager activates a
// rotation's epoch only once every member confirmed it (or after a timeout), so a slow member does not drop the new epoch.
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Weft.Control.Model;
using Weft.Control.Reconcile;
using Weft.Control.Services;
using Weft.Control.Store;
using Weft.DataPlane;
using Weft.DataPlane.Paths;
using Weft.DataPlane.Sealing;

namespace Weft.Agent.DataPath;

/// <summary>This host's key rings of encrypted networks, kept in step with the cluster's key metadata.</summary>
public sealed partial class NetworkEncryption(AgentState state, AgentOptions options, NetworkDataPaths paths, ILogger<NetworkEncryption> logger) : IDisposable
{
    /// <summary>The nonce counter's state file under the data directory.</summary>
    public const string NonceFileName = "seal-nonce";

    /// <summary>Meta version of a ring that has no fresh epoch yet (its first fetch must be keys.get-fresh).</summary>
    private const long NeedsFreshEpoch = -1;

    private readonly Dictionary<string, RingEntry> _rings = new(StringComparer.Ordinal);
    private NonceCounter? _nonces;
    private HeldEpochs? _held;
    private SealSender? _sender;

    /// <summary>
    /// Before the data path attaches <paramref name="networks"/>: every encrypted one has a key ring on the VTEP, loaded with
    /// the keys of its current metadata when that changed since the last pass.
    /// </summary>
    public async Task PrepareAsync(IReadOnlyList<DesiredNetwork> networks, IClusterStore store, CancellationToken cancellationToken)
    {
        foreach (var network in networks.Where(n => n.Encrypted))
        {
            if (!_rings.TryGetValue(network.Id, out var entry))
            {
                entry = new RingEntry(new KeyRing(Sender()), network.Vni);
                _rings[network.Id] = entry;
            }
            paths.SetEncryption(network.Vni, entry.Ring); // replaces the ring of a gone network that had this VNI
            DropReplaced(network);

            var meta = await store.GetAsync(Keys.KeyMeta(network.Id), cancellationToken);
            var version = meta?.ModRevision ?? 0;
            if (version != entry.MetaVersion || entry.Ring.SendEpoch is null)
            {
                try
                {
                    var held = Held(); // before fetching: an unreadable record must not leave fetched keys behind
                    var keys = await state.GetNetworkKeysAsync(network.Id, cancellationToken);
                    if (entry.MetaVersion == NeedsFreshEpoch) keys = await FloorNewRingAsync(entry.Ring, network, keys, held, cancellationToken);
                    Apply(entry.Ring, keys, network, held);
                    entry.MetaVersion = version;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogKeysFailed(logger, network.Name, e);
                }
            }
            await ConfirmAsync(network, entry, store, cancellationToken);
        }
    }

    /// <summary>Tells the manager the newest epoch this host holds for <paramref name="network"/> when that changed (retried next pass on failure).</summary>
    private async Task ConfirmAsync(DesiredNetwork network, RingEntry entry, IClusterStore store, CancellationToken cancellationToken)
    {
        var epochs = entry.Ring.Epochs;
        if (epochs.Count == 0 || entry.MetaVersion == NeedsFreshEpoch || epochs.Max() == entry.Confirmed) return;
        var newest = epochs.Max();
        try
        {
            await store.PutAsync(Keys.KeyInstalled(network.Id, options.NodeName), ModelJson.Serialize(new KeyInstalled(newest)), cancellationToken: cancellationToken);
            entry.Confirmed = newest;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogConfirmFailed(logger, network.Name, newest, e);
        }
    }

    /// <summary>After the pass: networks no longer joined (or not encrypted) lose their rings, whose keys are erased.</summary>
    public void Forget(IReadOnlyList<DesiredNetwork> networks)
    {
        var keep = networks.Where(n => n.Encrypted).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _rings.Keys.Where(id => !keep.Contains(id)).ToList()) Drop(id);
    }

    /// <summary>Disposes the rings of other (gone) networks that had <paramref name="network"/>'s VNI: the VTEP holds its ring now.</summary>
    private void DropReplaced(DesiredNetwork network)
    {
        foreach (var id in _rings.Where(r => r.Value.Vni == network.Vni && r.Key != network.Id).Select(r => r.Key).ToList()) Drop(id);
    }

    private void Drop(string networkId)
    {
        var entry = _rings[networkId];
        paths.ClearEncryption(entry.Vni, entry.Ring); // only if the VTEP still holds this ring, not a newer network's on that VNI
        entry.Ring.Dispose(); // its confirmation stays: a new ring confirms again after its fresh fetch
        _rings.Remove(networkId);
    }

    /// <summary>
    /// A new ring's inbound floor, set before any key is installed: above every epoch this host ever held (see
    /// <see cref="HeldEpochs"/>). When no listed epoch is above that, the keys are fetched again with a fresh epoch
    /// (keys.get-fresh), and the ring accepts inbound only from it on. Returns the keys to install.
    /// </summary>
    private async Task<NetworkKeys> FloorNewRingAsync(KeyRing ring, DesiredNetwork network, NetworkKeys keys, HeldEpochs heldEpochs, CancellationToken cancellationToken)
    {
        if (heldEpochs.Highest(network.Id) is not { } held) return keys; // never held a key of this network: nothing to replay
        if (keys.Keys.Any(k => k.Epoch > held))
        {
            ring.ReceiveOnlyFrom(held + 1);
            return keys;
        }
        foreach (var key in keys.Keys) CryptographicOperations.ZeroMemory(key.Key);
        var fresh = await state.GetFreshNetworkKeysAsync(network.Id, cancellationToken);
        ring.ReceiveOnlyFrom(fresh.FreshEpoch ?? throw new InvalidOperationException($"get fresh keys of network {network.Name}: the answer names no fresh epoch"));
        return fresh;
    }

    private static void Apply(KeyRing ring, NetworkKeys keys, DesiredNetwork network, HeldEpochs held)
    {
        var listed = keys.Meta.Epochs.Select(e => e.Epoch).ToHashSet();
        try
        {
            var install = keys.Keys.Where(k => listed.Contains(k.Epoch)).OrderBy(k => k.Epoch).ToList();
            if (install.Count > 0) held.Record(network.Id, install[^1].Epoch); // on disk before the ring can receive under it
            foreach (var key in install)
                ring.Install(key.Epoch, key.Key);
        }
        finally
        {
            foreach (var key in keys.Keys) CryptographicOperations.ZeroMemory(key.Key);
        }
        ring.Activate(keys.Meta.SendEpoch);
        foreach (var epoch in ring.Epochs.Where(e => !listed.Contains(e)).ToList())
            ring.Retire(epoch);
    }

    private HeldEpochs Held() => _held ??= HeldEpochs.Open(Path.Combine(options.DataDir, HeldEpochs.FileName));

    private SealSender Sender()
    {
        if (_sender is not null) return _sender;
        if (!IPAddress.TryParse(options.UnderlayAddress, out var underlay))
            throw new InvalidOperationException("encrypted network: sealing needs --underlay-address (the sender id is derived from it)");
        _nonces = NonceCounter.Open(Path.Combine(options.DataDir, NonceFileName));
        _sender = new SealSender(SealSender.IdFromUnderlay(underlay), _nonces);
        return _sender;
    }

    public void Dispose()
    {
        foreach (var entry in _rings.Values) entry.Ring.Dispose();
        _rings.Clear();
        _nonces?.Dispose();
    }

    /// <summary>One network's ring, its VNI, the keymeta revision it follows and the newest epoch this host confirmed installed.</summary>
    private sealed class RingEntry(KeyRing ring, uint vni)
    {
        public KeyRing Ring { get; } = ring;

        public uint Vni { get; } = vni;

        public long MetaVersion { get; set; } = NeedsFreshEpoch;

        public uint Confirmed { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not confirm key epoch {Epoch} of encrypted network {Network} installed; retrying")]
    private static partial void LogConfirmFailed(ILogger logger, string network, uint epoch, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "keys of encrypted network {Network} could not be fetched; its traffic is dropped until they are")]
    private static partial void LogKeysFailed(ILogger logger, string network, Exception exception);
}
