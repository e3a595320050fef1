using System.Text;
using Weft.Cluster.Store;
using Weft.Control.Store;

namespace Weft.Cluster.Tests.Store;

/// <summary>Workers sharing the manager's store over the channel (beyond the contract: several nodes, broken connections).</summary>
public sealed class RemoteClusterStoreTests : ClusterTest
{
    [Fact]
    public async Task A_write_by_one_worker_reaches_another_workers_watch_and_the_managers_store()
    {
        using var a = await Cluster.JoinAsync("worker-a");
        using var b = await Cluster.JoinAsync("worker-b");
        var storeA = new RemoteClusterStore(Cluster.Client(a), ownsClient: false);
        var storeB = new RemoteClusterStore(Cluster.Client(b), ownsClient: false);

        var from = await storeA.GetRevisionAsync() + 1;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = storeA.WatchAsync("endpoints/", from, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();

        var revision = await storeB.PutAsync("endpoints/n1/e1", Encoding.UTF8.GetBytes("{\"ip\":\"10.0.0.2\"}"));
        Assert.True(await next);
        Assert.Equal(WatchEventType.Put, watch.Current.Type);
        Assert.Equal(("endpoints/n1/e1", revision), (watch.Current.Kv.Key, watch.Current.Kv.ModRevision));
        Assert.Equal("{\"ip\":\"10.0.0.2\"}", Encoding.UTF8.GetString(watch.Current.Kv.Value.Span));

        var local = await Cluster.Store.GetAsync("endpoints/n1/e1");
        Assert.Equal(revision, local!.ModRevision);

        Assert.True(await storeB.DeleteAsync("endpoints/n1/e1", revision));
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(WatchEventType.Delete, watch.Current.Type);
    }

    [Fact]
    public async Task A_watch_ends_with_a_cluster_error_when_the_manager_goes_away()
    {
        using var a = await Cluster.JoinAsync("worker-a");
        var store = new RemoteClusterStore(Cluster.Client(a), ownsClient: false);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var watch = store.WatchAsync("x/", 1, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();
        await store.PutAsync("x/1", "1"u8.ToArray());
        Assert.True(await next);

        await Cluster.Server.DisposeAsync();
        var e = await Assert.ThrowsAsync<ClusterException>(async () => await watch.MoveNextAsync());
        Assert.Contains("connection lost", e.Message);
        Assert.False(cts.IsCancellationRequested, "the watch failed promptly instead of hanging");
    }

    [Fact]
    public async Task Compacted_history_reaches_the_remote_watcher_as_StoreCompactedException()
    {
        await using var compacting = TestCluster.Start(new SqliteClusterStore(":memory:", historyRetention: 2));
        using var a = await compacting.JoinAsync("worker-a");
        var store = new RemoteClusterStore(compacting.Client(a), ownsClient: false);
        for (var i = 0; i < 10; i++)
            await store.PutAsync($"k/{i}", "v"u8.ToArray());
        var e = await Assert.ThrowsAsync<StoreCompactedException>(async () =>
        {
            await foreach (var _ in store.WatchAsync("k/", 1))
            {
            }
        });
        Assert.Equal(1, e.RequestedRevision);
        Assert.Equal(await store.GetRevisionAsync(), e.CurrentRevision);
        Assert.True(e.CompactedRevision >= 1);
    }

    [Fact]
    public async Task The_managers_typed_errors_arrive_as_the_same_types()
    {
        using var a = await Cluster.JoinAsync("worker-a");
        var store = new RemoteClusterStore(Cluster.Client(a), ownsClient: false);
        var notFound = await Assert.ThrowsAsync<Weft.Control.Errors.WeftNotFoundException>(() => store.PutAsync("k", "v"u8.ToArray(), lease: 424242));
        var local = await Assert.ThrowsAsync<Weft.Control.Errors.WeftNotFoundException>(() => Cluster.Store.PutAsync("k", "v"u8.ToArray(), lease: 424242));
        Assert.Equal(local.Message, notFound.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Cluster.Store.GrantLeaseAsync(TimeSpan.Zero));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GrantLeaseAsync(TimeSpan.Zero));
    }
}
