using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Cluster.Channel;

/// <summary>Who is calling: the node id from its verified certificate (null on a join connection) and where from.</summary>
public sealed record CallContext(string? NodeId, X509Certificate2? PeerCertificate, EndPoint? Remote)
{
    public bool IsAuthenticatedNode => NodeId is not null;
}
