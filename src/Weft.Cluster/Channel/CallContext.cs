using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Cluster.Channel;

/// <summary>Who is calling: the node id from its verified certificate (null on a join connection) and where from.</summary>
public sealed record CallContext(string? NodeId, X509Certificate2? PeerCertificate, EndPoint? Remote)
{
    public bool IsAuthenticatedNode => NodeId is not null;

    /// <summary>
    /// The node name the cluster CA certified for the caller (its certificate's DNS name), for authorizing
    /// <paramref name="operation"/>; <see cref="UnauthorizedAccessException"/> when the caller has no node certificate.
    /// </summary>
    public string RequireNodeName(string operation)
    {
        var name = PeerCertificate?.GetNameInfo(X509NameType.DnsName, forIssuer: false);
        return string.IsNullOrEmpty(name) || !IsAuthenticatedNode
            ? throw new UnauthorizedAccessException($"{operation} refused: the caller has no node certificate")
            : name;
    }
}
