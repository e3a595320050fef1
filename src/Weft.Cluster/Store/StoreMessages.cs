using Weft.Control.Store;

namespace Weft.Cluster.Store;

/// <summary>Method names of the store as served over the cluster channel.</summary>
public static class StoreMethods
{
    public const string Revision = "store.revision";
    public const string Get = "store.get";
    public const string List = "store.list";
    public const string Put = "store.put";
    public const string CompareAndSwap = "store.cas";
    public const string Delete = "store.delete";
    public const string Watch = "store.watch";
    public const string GrantLease = "lease.grant";
    public const string KeepAlive = "lease.keepalive";
    public const string RevokeLease = "lease.revoke";
}

/// <summary>KeyValue on the wire (values as base64 JSON strings).</summary>
internal sealed record KvDto(string Key, byte[] Value, long CreateRevision, long ModRevision, long Version, long Lease)
{
    public static KvDto From(KeyValue kv) => new(kv.Key, kv.Value.ToArray(), kv.CreateRevision, kv.ModRevision, kv.Version, kv.Lease);

    public KeyValue ToKeyValue() => new(Key, Value ?? [], CreateRevision, ModRevision, Version, Lease);
}

internal sealed record WatchEventDto(WatchEventType Type, KvDto Kv)
{
    public static WatchEventDto From(WatchEvent e) => new(e.Type, KvDto.From(e.Kv));

    public WatchEvent ToWatchEvent() => new(Type, Kv.ToKeyValue());
}

internal sealed record EmptyRequest;

internal sealed record KeyRequest(string Key);

internal sealed record PrefixRequest(string Prefix);

internal sealed record PutRequest(string Key, byte[] Value, long Lease);

internal sealed record CasRequest(string Key, long ExpectedModRevision, byte[] Value, long Lease);

internal sealed record DeleteRequest(string Key, long? ExpectedModRevision);

internal sealed record WatchRequest(string Prefix, long FromRevision);

internal sealed record GrantRequest(long TtlMilliseconds);

internal sealed record LeaseRequest(long Lease);

internal sealed record RevisionResponse(long Revision);

internal sealed record GetResponse(KvDto? Kv);

internal sealed record ListResponse(List<KvDto> Kvs);

internal sealed record BoolResponse(bool Value);

internal sealed record LeaseResponse(long Lease);
