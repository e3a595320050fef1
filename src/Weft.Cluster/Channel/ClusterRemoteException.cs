namespace Weft.Cluster.Channel;

/// <summary>The remote side of a cluster call failed; <see cref="Kind"/> says how.</summary>
public sealed class ClusterRemoteException(string kind, string message) : ClusterException(message)
{
    public string Kind { get; } = kind;
}
