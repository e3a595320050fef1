using System.Text;
using Microsoft.Extensions.Time.Testing;
using Weft.Control.Errors;
using Weft.Control.Store;

namespace Weft.Control.Tests.Store;

/// <summary>
/// The behaviour every <see cref="IClusterStore"/> must have, written once. An implementation's test class subclasses this
/// and supplies <see cref="OpenStore"/>: the first call opens fresh, empty data; later calls (after the previous store was
/// disposed) open the same data again, which is how "restart" is tested.
/// </summary>
public abstract class ClusterStoreContract : IAsyncLifetime
{
    private readonly List<IClusterStore> _opened = [];

    protected FakeTimeProvider Clock { get; } = new();

    /// <summary>
    /// Lets <paramref name="duration"/> pass for the store. Default: advance the fake clock given to <see cref="OpenStore"/>.
    /// A store that cannot take a fake clock (etcd) overrides this with a real delay.
    /// </summary>
    protected virtual Task AdvanceAsync(TimeSpan duration)
    {
        Clock.Advance(duration);
        return Task.CompletedTask;
    }

    /// <summary>Opens the store under test on this test's data, with <paramref name="time"/> as its clock.</summary>
    protected abstract IClusterStore OpenStore(TimeProvider time);

    private IClusterStore Open()
    {
        var store = OpenStore(Clock);
        _opened.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(KeyValue kv) => Encoding.UTF8.GetString(kv.Value.Span);

    private static async Task<List<WatchEvent>> Take(IAsyncEnumerator<WatchEvent> watch, int count)
    {
        var events = new List<WatchEvent>();
        while (events.Count < count)
        {
            var next = watch.MoveNextAsync().AsTask();
            Assert.True(await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(10))) == next, $"watch delivered only {events.Count} of {count} events");
            Assert.True(await next, "watch ended early");
            events.Add(watch.Current);
        }

        return events;
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        var store = Open();
        Assert.Null(await store.GetAsync("nope"));
    }

    [Fact]
    public async Task Put_creates_then_overwrites_with_etcd_revisions()
    {
        var store = Open();
        var r1 = await store.PutAsync("a", B("one"));
        var first = await store.GetAsync("a");
        Assert.NotNull(first);
        Assert.Equal("one", S(first));
        Assert.Equal((r1, r1, 1L, 0L), (first.CreateRevision, first.ModRevision, first.Version, first.Lease));

        var r2 = await store.PutAsync("a", B("two"));
        var second = await store.GetAsync("a");
        Assert.NotNull(second);
        Assert.Equal("two", S(second));
        Assert.True(r2 > r1);
        Assert.Equal((r1, r2, 2L), (second.CreateRevision, second.ModRevision, second.Version));
        Assert.Equal(r2, await store.GetRevisionAsync());
    }

    [Fact]
    public async Task List_returns_only_the_prefix_in_key_order()
    {
        var store = Open();
        foreach (var key in new[] { "p/b", "q/x", "p/c", "p", "p/a", "pz" })
        {
            await store.PutAsync(key, B(key));
        }

        var listed = await store.ListAsync("p/");
        Assert.Equal(["p/a", "p/b", "p/c"], listed.Select(kv => kv.Key));
        Assert.Equal(["p/a", "p/b", "p/c"], listed.Select(S));
        Assert.Equal(6, (await store.ListAsync("")).Count);
        Assert.Empty(await store.ListAsync("zz/"));
    }

    [Fact]
    public async Task Cas_with_zero_creates_only_when_absent()
    {
        var store = Open();
        Assert.True(await store.CompareAndSwapAsync("k", 0, B("first")));
        Assert.False(await store.CompareAndSwapAsync("k", 0, B("second")));
        var kv = await store.GetAsync("k");
        Assert.Equal("first", S(kv!));
        Assert.Equal(1, kv!.Version);
    }

    [Fact]
    public async Task Cas_update_succeeds_only_with_the_current_mod_revision()
    {
        var store = Open();
        await store.PutAsync("k", B("v1"));
        var v1 = await store.GetAsync("k");
        Assert.True(await store.CompareAndSwapAsync("k", v1!.ModRevision, B("v2")));
        Assert.False(await store.CompareAndSwapAsync("k", v1.ModRevision, B("stale")));
        Assert.False(await store.CompareAndSwapAsync("missing", 5, B("x")));
        Assert.Equal("v2", S((await store.GetAsync("k"))!));
        Assert.Null(await store.GetAsync("missing"));
    }

    [Fact]
    public async Task Delete_removes_once_and_honours_the_expected_revision()
    {
        var store = Open();
        await store.PutAsync("a", B("x"));
        var a = await store.GetAsync("a");
        Assert.False(await store.DeleteAsync("a", a!.ModRevision + 100));
        Assert.NotNull(await store.GetAsync("a"));
        Assert.True(await store.DeleteAsync("a", a.ModRevision));
        Assert.Null(await store.GetAsync("a"));
        Assert.False(await store.DeleteAsync("a"));

        await store.PutAsync("b", B("y"));
        Assert.True(await store.DeleteAsync("b"));
        Assert.Empty(await store.ListAsync(""));
    }

    [Fact]
    public async Task Recreated_key_starts_a_new_create_revision_and_version()
    {
        var store = Open();
        await store.PutAsync("a", B("1"));
        await store.PutAsync("a", B("2"));
        await store.DeleteAsync("a");
        var r = await store.PutAsync("a", B("3"));
        var kv = await store.GetAsync("a");
        Assert.Equal((r, 1L), (kv!.CreateRevision, kv.Version));
    }

    [Fact]
    public async Task Revisions_increase_strictly_with_every_change_and_not_on_failed_ones()
    {
        var store = Open();
        var start = await store.GetRevisionAsync();
        var r1 = await store.PutAsync("a", B("1"));
        Assert.True(await store.CompareAndSwapAsync("b", 0, B("1")));
        var r2 = await store.GetRevisionAsync();
        Assert.False(await store.CompareAndSwapAsync("b", 0, B("2")));
        Assert.False(await store.DeleteAsync("nope"));
        Assert.Equal(r2, await store.GetRevisionAsync());
        Assert.True(await store.DeleteAsync("a"));
        var r3 = await store.GetRevisionAsync();
        Assert.True(start < r1 && r1 < r2 && r2 < r3);
    }

    [Fact]
    public async Task Watch_replays_history_from_a_revision_then_streams_live_changes()
    {
        var store = Open();
        var ra = await store.PutAsync("w/a", B("a"));
        await store.PutAsync("other/x", B("x"));
        await store.PutAsync("w/b", B("b"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = store.WatchAsync("w/", ra, cts.Token).GetAsyncEnumerator(cts.Token);
        var history = await Take(watch, 2);
        Assert.Equal(["w/a", "w/b"], history.Select(e => e.Kv.Key));
        Assert.All(history, e => Assert.Equal(WatchEventType.Put, e.Type));

        var rc = await store.PutAsync("w/c", B("c"));
        await store.PutAsync("other/y", B("y"));
        Assert.True(await store.DeleteAsync("w/a"));
        var deletedAt = await store.GetRevisionAsync();

        var live = await Take(watch, 2);
        Assert.Equal((WatchEventType.Put, "w/c", rc, "c"), (live[0].Type, live[0].Kv.Key, live[0].Kv.ModRevision, S(live[0].Kv)));
        Assert.Equal((WatchEventType.Delete, "w/a", deletedAt), (live[1].Type, live[1].Kv.Key, live[1].Kv.ModRevision));
        Assert.True(live[1].Kv.Value.IsEmpty);
    }

    [Fact]
    public async Task Watch_from_a_later_revision_skips_older_history()
    {
        var store = Open();
        await store.PutAsync("w/a", B("a"));
        var rb = await store.PutAsync("w/b", B("b"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = store.WatchAsync("w/", rb, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = await Take(watch, 1);
        Assert.Equal("w/b", first[0].Kv.Key);
    }

    [Fact]
    public async Task Watch_ends_with_cancellation()
    {
        var store = Open();
        using var cts = new CancellationTokenSource();
        var watch = store.WatchAsync("w/", 1, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = watch.MoveNextAsync().AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task Data_and_history_survive_a_restart_and_revisions_continue()
    {
        var store = Open();
        var r1 = await store.PutAsync("n/a", B("a"));
        var r2 = await store.PutAsync("n/b", B("b"));
        await store.DeleteAsync("n/a");
        var before = await store.GetRevisionAsync();
        await store.DisposeAsync();

        var reopened = Open();
        Assert.Equal(before, await reopened.GetRevisionAsync());
        Assert.Equal(["n/b"], (await reopened.ListAsync("n/")).Select(kv => kv.Key));
        Assert.Equal((r2, r2), ((await reopened.GetAsync("n/b"))!.CreateRevision, (await reopened.GetAsync("n/b"))!.ModRevision));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = reopened.WatchAsync("n/", r1, cts.Token).GetAsyncEnumerator(cts.Token);
        var history = await Take(watch, 3);
        Assert.Equal(
            [(WatchEventType.Put, "n/a"), (WatchEventType.Put, "n/b"), (WatchEventType.Delete, "n/a")],
            history.Select(e => (e.Type, e.Kv.Key)));

        var r3 = await reopened.PutAsync("n/c", B("c"));
        Assert.True(r3 > before);
        Assert.Equal("n/c", (await Take(watch, 1))[0].Kv.Key);
    }

    [Fact]
    public async Task Lease_expiry_deletes_its_keys_and_emits_delete_events()
    {
        var store = Open();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(10));
        await store.PutAsync("l/a", B("a"), lease);
        await store.PutAsync("l/b", B("b"), lease);
        await store.PutAsync("l/keep", B("k"));
        Assert.Equal(lease, (await store.GetAsync("l/a"))!.Lease);
        var from = await store.GetRevisionAsync() + 1;

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = store.WatchAsync("l/", from, cts.Token).GetAsyncEnumerator(cts.Token);

        await AdvanceAsync(TimeSpan.FromSeconds(9));
        Assert.Equal(3, (await store.ListAsync("l/")).Count);

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var deletes = await Take(watch, 2);
        Assert.All(deletes, e => Assert.Equal(WatchEventType.Delete, e.Type));
        Assert.Equal(["l/a", "l/b"], deletes.Select(e => e.Kv.Key).Order());
        Assert.Equal(["l/keep"], (await store.ListAsync("l/")).Select(kv => kv.Key));
        Assert.False(await store.KeepAliveAsync(lease));
        await Assert.ThrowsAsync<WeftNotFoundException>(() => store.PutAsync("l/c", B("c"), lease));
    }

    [Fact]
    public async Task Keepalive_renews_for_a_full_ttl()
    {
        var store = Open();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(10));
        await store.PutAsync("l/a", B("a"), lease);
        await AdvanceAsync(TimeSpan.FromSeconds(8));
        Assert.True(await store.KeepAliveAsync(lease));
        await AdvanceAsync(TimeSpan.FromSeconds(8));
        Assert.NotNull(await store.GetAsync("l/a"));
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Null(await store.GetAsync("l/a"));
        Assert.False(await store.KeepAliveAsync(lease));
        Assert.False(await store.KeepAliveAsync(987654));
    }

    [Fact]
    public async Task Revoke_deletes_the_keys_now_and_the_lease_is_gone()
    {
        var store = Open();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromMinutes(5));
        var other = await store.GrantLeaseAsync(TimeSpan.FromMinutes(5));
        await store.PutAsync("l/a", B("a"), lease);
        await store.PutAsync("l/b", B("b"), other);
        await store.RevokeLeaseAsync(lease);
        Assert.Null(await store.GetAsync("l/a"));
        Assert.NotNull(await store.GetAsync("l/b"));
        Assert.False(await store.KeepAliveAsync(lease));
        await Assert.ThrowsAsync<WeftNotFoundException>(() => store.PutAsync("l/a", B("a"), lease));
        Assert.NotEqual(lease, other);
    }

    [Fact]
    public async Task Overwriting_a_leased_key_without_a_lease_detaches_it()
    {
        var store = Open();
        var lease = await store.GrantLeaseAsync(TimeSpan.FromSeconds(5));
        await store.PutAsync("l/a", B("a"), lease);
        await store.PutAsync("l/a", B("a2"));
        await AdvanceAsync(TimeSpan.FromSeconds(6));
        Assert.Equal("a2", S((await store.GetAsync("l/a"))!));
    }

    [Fact]
    public async Task Parallel_cas_increments_lose_no_update()
    {
        var store = Open();
        await store.PutAsync("counter", B("0"));
        const int workers = 8, incrementsEach = 25;

        async Task Worker()
        {
            for (var i = 0; i < incrementsEach; i++)
            {
                while (true)
                {
                    var kv = (await store.GetAsync("counter"))!;
                    var next = int.Parse(S(kv), System.Globalization.CultureInfo.InvariantCulture) + 1;
                    if (await store.CompareAndSwapAsync("counter", kv.ModRevision, B(next.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                    {
                        break;
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker)));
        var final = (await store.GetAsync("counter"))!;
        Assert.Equal((workers * incrementsEach).ToString(System.Globalization.CultureInfo.InvariantCulture), S(final));
        Assert.Equal(1 + (workers * incrementsEach), final.Version);
    }

    [Fact]
    public async Task Watch_sees_every_concurrent_write_once_in_revision_order()
    {
        var store = Open();
        var from = await store.GetRevisionAsync() + 1;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = store.WatchAsync("c/", from, cts.Token).GetAsyncEnumerator(cts.Token);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await store.PutAsync($"c/{w}/{i}", B("x"));
            }
        })));

        var events = await Take(watch, 160);
        Assert.Equal(160, events.Select(e => e.Kv.Key).Distinct().Count());
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Kv.ModRevision < p.Second.Kv.ModRevision), "revisions out of order");
    }

    [Fact]
    public async Task Parallel_create_only_has_exactly_one_winner()
    {
        var store = Open();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.CompareAndSwapAsync("claim", 0, B($"w{i}")))));
        Assert.Single(results, won => won);
    }
}
