using Weft.Cluster.Store;
using Weft.Control.Model;

namespace Weft.Cluster.Tests.Store;

/// <summary>
/// Over the real channel: no worker writes keymeta/ (the manager's key schedule), and a worker writes only its own
/// keyinstalled/&lt;network&gt;/&lt;node&gt; confirmations; everything else it wrote before still works.
/// </summary>
public sealed class KeyWriteRulesTests : ClusterTest
{
    private RemoteClusterStore _remote = null!;

    public override async Task InitializeAsync()
    {
        var worker = await Cluster.JoinAsync("worker-a");
        _remote = new RemoteClusterStore(Cluster.Client(worker), ownsClient: false);
        await Cluster.Store.PutAsync(Keys.KeyMeta("n1"), "{\"sendEpoch\":5}"u8.ToArray());
        await Cluster.Store.PutAsync(Keys.KeyInstalled("n1", "worker-b"), "{\"epoch\":5}"u8.ToArray());
    }

    [Fact]
    public async Task A_worker_cannot_put_compare_and_swap_or_delete_key_metadata()
    {
        var revision = (await Cluster.Store.GetAsync(Keys.KeyMeta("n1")))!.ModRevision;
        var put = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.PutAsync(Keys.KeyMeta("n1"), "{\"sendEpoch\":1}"u8.ToArray()));
        Assert.Equal("store put 'keymeta/n1' refused: keys under keymeta/ are written by the manager only", put.Message);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.CompareAndSwapAsync(Keys.KeyMeta("n1"), revision, "{\"sendEpoch\":1}"u8.ToArray()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.CompareAndSwapAsync(Keys.KeyMeta("n2"), 0, "{}"u8.ToArray()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.DeleteAsync(Keys.KeyMeta("n1")));

        var kept = await Cluster.Store.GetAsync(Keys.KeyMeta("n1"));
        Assert.Equal("{\"sendEpoch\":5}"u8.ToArray(), kept!.Value.ToArray());
        Assert.Equal(revision, kept.ModRevision);
        Assert.Null(await Cluster.Store.GetAsync(Keys.KeyMeta("n2")));
        Assert.Equal(["keymeta/n1"], (await _remote.ListAsync(Keys.KeyMetaPrefix)).Select(kv => kv.Key)); // reading stays allowed
    }

    [Fact]
    public async Task A_worker_writes_its_own_key_confirmation_but_not_another_nodes()
    {
        var forged = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.PutAsync(Keys.KeyInstalled("n1", "worker-c"), "{\"epoch\":9}"u8.ToArray()));
        Assert.Equal("store put 'keyinstalled/n1/worker-c' refused: node worker-a may write only its own confirmations (keyinstalled/<network>/worker-a)", forged.Message);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.CompareAndSwapAsync(Keys.KeyInstalled("n1", "worker-c"), 0, "{\"epoch\":9}"u8.ToArray()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.DeleteAsync(Keys.KeyInstalled("n1", "worker-b")));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.PutAsync(Keys.KeyInstalled("n1", "worker-a") + "/x", "{}"u8.ToArray()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _remote.PutAsync(Keys.KeyInstalledPrefix + "worker-a", "{}"u8.ToArray()));
        Assert.Null(await Cluster.Store.GetAsync(Keys.KeyInstalled("n1", "worker-c")));
        Assert.NotNull(await Cluster.Store.GetAsync(Keys.KeyInstalled("n1", "worker-b")));

        await _remote.PutAsync(Keys.KeyInstalled("n1", "worker-a"), "{\"epoch\":5}"u8.ToArray());
        var own = await Cluster.Store.GetAsync(Keys.KeyInstalled("n1", "worker-a"));
        Assert.Equal("{\"epoch\":5}"u8.ToArray(), own!.Value.ToArray());
        Assert.True(await _remote.CompareAndSwapAsync(Keys.KeyInstalled("n1", "worker-a"), own.ModRevision, "{\"epoch\":6}"u8.ToArray()));
        Assert.True(await _remote.DeleteAsync(Keys.KeyInstalled("n1", "worker-a")));
        Assert.Null(await Cluster.Store.GetAsync(Keys.KeyInstalled("n1", "worker-a")));
    }

    [Fact]
    public async Task Other_keys_a_worker_writes_are_unaffected()
    {
        await _remote.PutAsync("endpoints/n1/e1", "{}"u8.ToArray());
        await _remote.PutAsync("state/worker-a", "{}"u8.ToArray());
        Assert.True(await _remote.DeleteAsync("endpoints/n1/e1"));
        Assert.NotNull(await Cluster.Store.GetAsync("state/worker-a"));
    }
}
