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
}
