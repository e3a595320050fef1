using Microsoft.Extensions.Logging.Abstractions;
using Weft.Agent.DataPath;
using Weft.Control.Reconcile;
using Weft.Control.Services;
using Weft.Control.Store;
using Weft.DataPlane;
using Weft.DataPlane.Host;
using Weft.DataPlane.Paths;
using Weft.DataPlane.Userspace;
using Weft.DataPlane.Sealing;

namespace Weft.Agent.Tests.DataPath;

/// <summary>
/// A host's key rings across reconciler passes, driven the way HostReconciler drives them (PrepareAsync, then Forget),
/// against a real SQLite store, the agent's key service and a VTEP (its underlay silent: only its rings are looked at).
/// </summary>
public sealed class NetworkEncryptionTests : IAsyncLifetime
{
    private const uint Vni = 5000;
    private readonly string _directory = RunningAgent.NewDirectory();
    private SqliteClusterStore _store = null!;
    private AgentState _state = null!;
    private Vtep _vtep = null!;
    private NetworkEncryption _encryption = null!;

    public Task InitializeAsync()
    {
        var options = new AgentOptions { DataDir = _directory, NodeName = "h1", UnderlayAddress = "198.51.100.1" };
        _store = new SqliteClusterStore(Path.Combine(_directory, "store.db"));
        _state = new AgentState(options, _store, new ControlPlaneOptions(), NullLogger<AgentState>.Instance);
        _vtep = new Vtep(new SilentUnderlay());
        var paths = new NetworkDataPaths(new DataPathSelection(DataPathMode.Userspace, false, "not probed (a unit test)"),
            new HostDataPath(new HostNames("wtest")), _vtep, new TapFactory(), System.Net.IPAddress.Parse("198.51.100.1"), 4789, admission: null);
        _encryption = new NetworkEncryption(_state, options, paths, NullLogger<NetworkEncryption>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _encryption.Dispose();
        _vtep.Dispose();
        await _state.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>An encrypted network pinned to <see cref="Vni"/> with a container of this host on it, as the pass sees it.</summary>
    private async Task<DesiredNetwork> CreateAsync(string name)
    {
        var network = await _state.Control.Networks.CreateAsync(new NetworkCreateRequest
        {
            Name = name,
            Options = new Dictionary<string, string> { [NetworkOptions.EncryptedKey] = "", [NetworkOptions.VniKey] = Vni.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        await _state.Control.Endpoints.CreateAsync(name, "c-" + name, "h1", newContainer: true);
        return new DesiredNetwork(network.Id, network.Name, Vni, 1400, "10.0.0.1", 24, Encrypted: true, ExternalPeers: []);
    }

    private async Task PassAsync(params DesiredNetwork[] networks)
    {
        await _encryption.PrepareAsync(networks, _store, CancellationToken.None);
        _encryption.Forget(networks);
    }

    private KeyRing RingOnTheVtep()
    {
        Assert.True(_vtep.TryGetEncryption(Vni, out var ring), $"VNI {Vni} has no key ring on the VTEP");
        return ring;
    }

    private static string SendingFingerprint(KeyRing ring) =>
        Assert.Single(ring.Status().Epochs, e => e.Sending).Fingerprint;

    [Fact]
    public async Task A_network_deleted_and_recreated_with_the_same_vni_between_two_passes_gets_a_new_ring_with_the_new_key()
    {
        var first = await CreateAsync("secure");
        await PassAsync(first);
        var firstRing = RingOnTheVtep();
        var firstKey = SendingFingerprint(firstRing);

        // Between two passes: the network goes (with its container) and another one comes with the same VNI.
        await _state.Control.Endpoints.RemoveContainerAsync("c-secure");
        await _state.Control.Networks.RemoveAsync("secure");
        var second = await CreateAsync("secure-again");
        Assert.NotEqual(first.Id, second.Id);

        await PassAsync(second);

        var secondRing = RingOnTheVtep();
        Assert.NotSame(firstRing, secondRing);
        Assert.NotNull(secondRing.SendEpoch);
        Assert.NotEqual(firstKey, SendingFingerprint(secondRing));
        Assert.Empty(firstRing.Epochs); // the gone network's ring was disposed: its keys erased, not left on the host

        // Another pass keeps the new ring (the old network's entry does not come back to clear it).
        await PassAsync(second);
        Assert.Same(secondRing, RingOnTheVtep());
    }

    [Fact]
    public async Task A_network_that_leaves_the_host_takes_its_ring_off_the_vtep()
    {
        var network = await CreateAsync("secure");
        await PassAsync(network);
        var ring = RingOnTheVtep();

        await PassAsync();

        Assert.False(_vtep.TryGetEncryption(Vni, out _));
        Assert.Empty(ring.Epochs);
    }
}
