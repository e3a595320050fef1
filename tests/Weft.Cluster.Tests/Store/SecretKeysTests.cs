using Weft.Cluster.Store;
using Weft.Control.Store;

namespace Weft.Cluster.Tests.Store;

/// <summary>Keys under secrets/ never leave the manager's store through the store service, whatever the operation.</summary>
public sealed class SecretKeysTests : ClusterTest
{
    private RemoteClusterStore _remote = null!;

    public override async Task InitializeAsync()
    {
        var worker = await Cluster.JoinAsync("worker-a");
        _remote = new RemoteClusterStore(Cluster.Client(worker), ownsClient: false);
        await Cluster.Store.PutAsync("secrets/keys/n1", "top-secret"u8.ToArray());
        await Cluster.Store.PutAsync("networks/n1", "{}"u8.ToArray());
    }

    [Fact]
    public async Task Every_operation_naming_a_secret_key_is_refused()
    {
        var get = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.GetAsync("secrets/keys/n1"));
        Assert.Contains("store get 'secrets/keys/n1' refused", get.Message);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.ListAsync("secrets/"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.PutAsync("secrets/keys/n1", "forged"u8.ToArray()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.CompareAndSwapAsync("secrets/keys/n2", 0, "forged"u8.ToArray()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.DeleteAsync("secrets/keys/n1"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(async () =>
        {
            await foreach (var _ in _remote.WatchAsync("secrets/", 1, cts.Token)) { }
        });

        var kept = await Cluster.Store.GetAsync("secrets/keys/n1");
        Assert.Equal("top-secret"u8.ToArray(), kept!.Value.ToArray());
        Assert.Null(await Cluster.Store.GetAsync("secrets/keys/n2"));
    }

    [Fact]
    public async Task Lists_and_watches_of_a_wider_prefix_leave_secrets_out()
    {
        Assert.Equal(["networks/n1"], (await _remote.ListAsync("")).Select(kv => kv.Key));
        Assert.Empty(await _remote.ListAsync("secr"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (var e in _remote.WatchAsync("", 1, cts.Token))
        {
            seen.Add(e.Kv.Key);
            if (e.Kv.Key == "networks/n1") break;
        }
        await Cluster.Store.PutAsync("secrets/keys/n3", "x"u8.ToArray());
        await Cluster.Store.PutAsync("networks/n2", "{}"u8.ToArray());
        await foreach (var e in _remote.WatchAsync("", await Cluster.Store.GetRevisionAsync() - 1, cts.Token))
        {
            seen.Add(e.Kv.Key);
            if (e.Kv.Key == "networks/n2") break;
        }
        Assert.Equal(["networks/n1", "networks/n2"], seen);
    }
}
