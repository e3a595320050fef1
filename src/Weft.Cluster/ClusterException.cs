namespace Weft.Cluster;

/// <summary>
/// A cluster-control failure (CA, join, channel, membership). The message is one line naming the
/// operation and the object, and never contains a secret or a key.
/// </summary>
public class ClusterException : Exception
{
    public ClusterException(string message) : base(message) { }

    public ClusterException(string message, Exception inner) : base(message, inner) { }
}
