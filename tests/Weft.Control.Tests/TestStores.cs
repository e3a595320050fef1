using Weft.Control.Store;

namespace Weft.Control.Tests;

/// <summary>Stores for tests that are not about the store itself: the real SQLite store on an in-memory database.</summary>
internal static class TestStores
{
    public static SqliteClusterStore InMemory(TimeProvider? time = null) => new(":memory:", time);
}
