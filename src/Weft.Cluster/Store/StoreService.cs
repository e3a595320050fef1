// Design note — the store over the channel.
// Workers do not open the manager's SQLite file; they use RemoteClusterStore, which sends each IClusterStore operation as
// one channel call to StoreService on the manager, and each watch as one server-push stream. The manager's store stays
// the single writer and the single source of revisions, so compare-and-swap across hosts is exactly the local CAS.
// Only nodes with a certificate from the cluster CA reach these methods (join connections cannot).
// Keys under secrets/ (network keys) are private to the manager: every remote operation naming one is refused, and lists and
// watches of a wider prefix leave them out. Keys reach member hosts only through keys.get, which checks membership.
// Writes have two more rules (RemoteWriteRules): keymeta/ is written by the manager only, and a node writes only its own
// keyinstalled/<network>/<node> confirmations.
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
            new GetResponse(await store.GetAsync(Public(r.Key, "get"), ct).ConfigureAwait(false) is { } kv ? KvDto.From(kv) : null));
        router.MapUnary<PrefixRequest, ListResponse>(StoreMethods.List, async (_, r, ct) =>
            new ListResponse((await store.ListAsync(PublicPrefix(r.Prefix, "list"), ct).ConfigureAwait(false))
                .Where(kv => !IsSecret(kv.Key)).Select(KvDto.From).ToList()));
        router.MapUnary<PutRequest, RevisionResponse>(StoreMethods.Put, async (caller, r, ct) =>
            new RevisionResponse(await store.PutAsync(Writable(caller, r.Key, "put"), r.Value ?? [], r.Lease, ct).ConfigureAwait(false)));
        router.MapUnary<CasRequest, BoolResponse>(StoreMethods.CompareAndSwap, async (caller, r, ct) =>
            new BoolResponse(await store.CompareAndSwapAsync(Writable(caller, r.Key, "compare-and-swap"), r.ExpectedModRevision, r.Value ?? [], r.Lease, ct).ConfigureAwait(false)));
        router.MapUnary<DeleteRequest, BoolResponse>(StoreMethods.Delete, async (caller, r, ct) =>
            new BoolResponse(await store.DeleteAsync(Writable(caller, r.Key, "delete"), r.ExpectedModRevision, ct).ConfigureAwait(false)));
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
        var prefix = PublicPrefix(request.Prefix, "watch");
        await foreach (var e in store.WatchAsync(prefix, request.FromRevision, cancellationToken).ConfigureAwait(false))
        {
            if (!IsSecret(e.Kv.Key)) yield return WatchEventDto.From(e);
        }
    }

    /// <summary>Keys under this prefix never leave the manager's store through this service.</summary>
    public const string SecretPrefix = Weft.Control.Model.Keys.SecretsPrefix;

    public static bool IsSecret(string key) => key.StartsWith(SecretPrefix, StringComparison.Ordinal);

    private static string Public(string key, string operation) => IsSecret(key)
        ? throw new UnauthorizedAccessException($"store {operation} '{key}' refused: keys under {SecretPrefix} are private to the manager")
        : key;

    private static string Writable(CallContext caller, string key, string operation) =>
        RemoteWriteRules.Writable(caller, Public(key, operation), operation);

    private static string PublicPrefix(string prefix, string operation) => IsSecret(prefix)
        ? throw new UnauthorizedAccessException($"store {operation} of prefix '{prefix}' refused: keys under {SecretPrefix} are private to the manager")
        : prefix;
}
