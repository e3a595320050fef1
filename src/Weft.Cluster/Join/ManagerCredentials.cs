using Weft.Cluster.Pki;

namespace Weft.Cluster.Join;

/// <summary>The manager's loaded credentials: the CA (with key), the join token and its own node identity.</summary>
public sealed class ManagerCredentials(ClusterCa ca, JoinToken token, NodeIdentity identity) : IDisposable
{
    public ClusterCa Ca { get; } = ca;

    public JoinToken Token { get; } = token;

    public NodeIdentity Identity { get; } = identity;

    public void Dispose()
    {
        Ca.Dispose();
        Identity.Dispose();
    }
}
