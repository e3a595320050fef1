using Weft.Control.Store;

namespace Weft.Control.Tests.Store;

/// <summary>The shared contract, run against the embedded SQLite store on a temporary file.</summary>
public sealed class SqliteClusterStoreTests : ClusterStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("weft-store-").FullName;

    protected override IClusterStore OpenStore(TimeProvider time) =>
        new SqliteClusterStore(Path.Combine(_dir, "cluster.db"), time, TimeSpan.FromMilliseconds(100));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_database_file_uses_wal()
    {
        await using var store = OpenStore(TimeProvider.System);
        using var probe = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "cluster.db")};Pooling=False");
        probe.Open();
        using var command = probe.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task Old_history_is_compacted_and_a_watch_from_before_it_is_refused()
    {
        var path = Path.Combine(_dir, "compact.db");
        var store = new SqliteClusterStore(path, TimeProvider.System, historyRetention: 5);
        await using (store)
        {
            for (var i = 1; i <= 20; i++)
            {
                await store.PutAsync($"k/{i:D2}", new byte[] { (byte)i });
            }

            var e = await Assert.ThrowsAsync<StoreCompactedException>(async () =>
            {
                await foreach (var _ in store.WatchAsync("k/", 1))
                {
                }
            });
            Assert.True(e.CompactedRevision >= 10 && e.CompactedRevision <= 15, $"compacted up to {e.CompactedRevision}");
            Assert.Equal(20, e.CurrentRevision);
            Assert.Equal($"watch from revision 1 failed: history up to revision {e.CompactedRevision} has been compacted; list the keys again and watch from revision 21", e.Message);

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var recent = new List<string>();
            await foreach (var change in store.WatchAsync("k/", 16, cts.Token))
            {
                recent.Add(change.Kv.Key);
                if (recent.Count == 5)
                {
                    break;
                }
            }

            Assert.Equal(["k/16", "k/17", "k/18", "k/19", "k/20"], recent);
            Assert.Equal(20, (await store.ListAsync("k/")).Count);
        }

        await using var reopened = new SqliteClusterStore(path, TimeProvider.System, historyRetention: 5);
        await Assert.ThrowsAsync<StoreCompactedException>(async () =>
        {
            await foreach (var _ in reopened.WatchAsync("k/", 2))
            {
            }
        });
    }
}
