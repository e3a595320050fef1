// Design note — the store over the channel.
// Workers do not open the manager's SQLite file; they use RemoteClusterStore, which sends each IClusterStore operation as
// one channel call to StoreService on the manager, and each watch as one server-push stream. The manager's store stays
// the single writer and the single source of revisions, so compare-and-swap across hosts is exactly the local CAS.
// Only nodes with a certificate from the cluster CA reach these methods (join connections cannot).
using System.Runtime.CompilerServices;
using Weft.Cluster.Channel;
using Weft.Control.Store;

namespace Weft.Cluster.Store;

/// <summary>Serves a local <see cref="IClusterStore"/> (the manager's) to authenticated nodes over the cluster channel.</summary>
public sealed class StoreService(IClusterStore store)
{
    public void MapTo(RpcRouter router)
    {
        router.MapUnary<EmptyRequest, RevisionResponse>(StoreMethods.Revision,
            async (_, _, ct) => new RevisionResponse(await store.GetRevisionAsync(ct).ConfigureAwait(false)));
        router.MapUnary<KeyRequest, GetResponse>(StoreMethods.Get, async (_, r, ct) =>
            new GetResponse(await store.GetAsync(r.Key, ct).ConfigureAwait(false) is { } kv ? KvDto.From(kv) : null));
        router.MapUnary<PrefixRequest, ListResponse>(StoreMethods.List, async (_, r, ct) =>
            new ListResponse((await store.ListAsync(r.Prefix, ct).ConfigureAwait(false)).Select(KvDto.From).ToList()));
        router.MapUnary<PutRequest, RevisionResponse>(StoreMethods.Put, async (_, r, ct) =>
            new RevisionResponse(await store.PutAsync(r.Key, r.Value ?? [], r.Lease, ct).ConfigureAwait(false)));
        router.MapUnary<CasRequest, BoolResponse>(StoreMethods.CompareAndSwap, async (_, r, ct) =>
            new BoolResponse(await store.CompareAndSwapAsync(r.Key, r.ExpectedModRevision, r.Value ?? [], r.Lease, ct).ConfigureAwait(false)));
        router.MapUnary<DeleteRequest, BoolResponse>(StoreMethods.Delete, async (_, r, ct) =>
            new BoolResponse(await store.DeleteAsync(r.Key, r.ExpectedModRevision, ct).ConfigureAwait(false)));
        router.MapUnary<GrantRequest, LeaseResponse>(StoreMethods.GrantLease, async (_, r, ct) =>
            new LeaseResponse(await store.GrantLeaseAsync(TimeSpan.FromMilliseconds(r.TtlMilliseconds), ct).ConfigureAwait(false)));
        router.MapUnary<LeaseRequest, BoolResponse>(StoreMethods.KeepAlive, async (_, r, ct) =>
            new BoolResponse(await store.KeepAliveAsync(r.Lease, ct).ConfigureAwait(false)));
        router.MapUnary<LeaseRequest, EmptyRequest>(StoreMethods.RevokeLease, async (_, r, ct) =>
        {
            await store.RevokeLeaseAsync(r.Lease, ct).ConfigureAwait(false);
            return new EmptyRequest();
        });
        router.MapStream<WatchRequest, WatchEventDto>(StoreMethods.Watch, (_, r, ct) => WatchAsync(r, ct));
    }

    private async IAsyncEnumerable<WatchEventDto> WatchAsync(WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in store.WatchAsync(request.Prefix, request.FromRevision, cancellationToken).ConfigureAwait(false))
            yield return WatchEventDto.From(e);
    }
}
