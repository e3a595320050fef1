using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Weft.Control.Model;
using Weft.Control.Store;

namespace Weft.Control.Tests.Store;

/// <summary>
/// Keys under secrets/ (network keys): their values stay out of the watch history, and once retired their bytes are gone
/// from every file of the store (database, WAL, shared memory), read back raw as an attacker with the disk would.
/// </summary>
public sealed class SqliteSecretErasureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("weft-secrets-").FullName;
    private readonly string _path;

    public SqliteSecretErasureTests() => _path = Path.Combine(_dir, "cluster.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] FileSuffixes = ["", "-wal", "-shm"];

    /// <summary>Which of the store's files (that exist now) contain <paramref name="needle"/>, e.g. ["cluster.db-wal"].</summary>
    private List<string> FilesContaining(byte[] needle)
    {
        var found = new List<string>();
        foreach (var file in FileSuffixes.Select(suffix => _path + suffix).Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                found.Add(Path.GetFileName(file));
            }
        }

        return found;
    }

    [Fact]
    public async Task A_secret_overwritten_then_deleted_leaves_no_bytes_in_the_database_wal_or_shm()
    {
        var first = RandomNumberGenerator.GetBytes(32);
        var second = RandomNumberGenerator.GetBytes(32);
        var plain = RandomNumberGenerator.GetBytes(32);
        var key = Keys.SecretKeys("net-a");
        var store = new SqliteClusterStore(_path);
        await using (store)
        {
            await store.PutAsync("networks/net-a", plain);
            await store.PutAsync(key, first);
            Assert.NotEmpty(FilesContaining(first)); // the scan sees a live value: the negative results below mean something
            await store.PutAsync(key, second);
            Assert.Equal(second, (await store.GetAsync(key))!.Value.ToArray());
            Assert.Empty(FilesContaining(first));
            Assert.True(await store.DeleteAsync(key));
            Assert.Empty(FilesContaining(first));
            Assert.Empty(FilesContaining(second));
        }

        Assert.Empty(FilesContaining(first));
        Assert.Empty(FilesContaining(second));
        Assert.NotEmpty(FilesContaining(plain)); // a non-secret value (and its history) is still on disk
    }

    [Fact]
    public async Task Watch_events_of_secrets_carry_no_value_while_other_keys_keep_theirs()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var network = Encoding.UTF8.GetBytes("""{"id":"net-a"}""");
        await using var store = new SqliteClusterStore(_path);
        await store.PutAsync(Keys.Network("net-a"), network);
        await store.PutAsync(Keys.SecretKeys("net-a"), secret);
        await store.PutAsync(Keys.Network("net-a"), network); // two history rows for the plain key, as a watcher replays them

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<WatchEvent>();
        await foreach (var change in store.WatchAsync("", 1, cts.Token))
        {
            events.Add(change);
            if (events.Count == 3)
            {
                await store.PutAsync(Keys.SecretKeys("net-a"), secret); // a live event, after the history
            }

            if (events.Count == 4)
            {
                break;
            }
        }

        Assert.Equal([Keys.Network("net-a"), Keys.SecretKeys("net-a"), Keys.Network("net-a"), Keys.SecretKeys("net-a")], events.Select(e => e.Kv.Key));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Kv.ModRevision));
        Assert.Equal(network, events[0].Kv.Value.ToArray());
        Assert.Equal(network, events[2].Kv.Value.ToArray());
        Assert.True(events[1].Kv.Value.IsEmpty, "a secret's history event carries its value");
        Assert.True(events[3].Kv.Value.IsEmpty, "a secret's live event carries its value");
        Assert.Equal(2, events[3].Kv.Version);
        Assert.Equal(secret, (await store.GetAsync(Keys.SecretKeys("net-a")))!.Value.ToArray());
    }

    [Fact]
    public async Task Secret_values_in_history_written_by_an_older_store_are_erased_on_open()
    {
        var old = RandomNumberGenerator.GetBytes(32);
        await (new SqliteClusterStore(_path)).DisposeAsync();
        using (var legacy = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            legacy.Open();
            using var insert = legacy.CreateCommand();
            insert.CommandText = """
                INSERT INTO changes(revision, type, key, value, create_rev, version, lease) VALUES (1, 0, 'secrets/keys/net-a', $v, 1, 1, 0);
                UPDATE meta SET value = 1 WHERE name = 'revision';
                """;
            insert.Parameters.AddWithValue("$v", old);
            insert.ExecuteNonQuery();
        }

        Assert.NotEmpty(FilesContaining(old));
        await using (var store = new SqliteClusterStore(_path))
        {
            Assert.Empty(FilesContaining(old));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await foreach (var change in store.WatchAsync(Keys.SecretsPrefix, 1, cts.Token))
            {
                Assert.Equal("secrets/keys/net-a", change.Kv.Key);
                Assert.True(change.Kv.Value.IsEmpty);
                break;
            }
        }

        Assert.Empty(FilesContaining(old));
    }
}
