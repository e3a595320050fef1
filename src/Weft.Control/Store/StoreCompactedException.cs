using Weft.Control.Errors;

namespace Weft.Control.Store;

/// <summary>
/// A watch asked for history the store no longer keeps (etcd's "required revision has been compacted").
/// The watcher should list the keys again and watch from <see cref="CurrentRevision"/> + 1.
/// Added to the store contract (additive): any <see cref="IClusterStore"/> may throw it from <see cref="IClusterStore.WatchAsync"/>.
/// </summary>
public sealed class StoreCompactedException(long requestedRevision, long compactedRevision, long currentRevision)
    : WeftException($"watch from revision {requestedRevision} failed: history up to revision {compactedRevision} has been compacted; list the keys again and watch from revision {currentRevision + 1}")
{
    public long RequestedRevision { get; } = requestedRevision;

    public long CompactedRevision { get; } = compactedRevision;

    public long CurrentRevision { get; } = currentRevision;
}
