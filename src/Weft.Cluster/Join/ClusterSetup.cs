using System.Net;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Join;

/// <summary>
/// What `cluster init` and `cluster join` do to a node's data directory:
/// init writes ca.crt, ca.key, join-token and the manager's own node.crt/node.key; join writes ca.crt, node.crt, node.key.
/// All files are mode 0600 in a 0700 directory, and are loaded back after a restart.
/// </summary>
public static class ClusterSetup
{
    public const string TokenFile = "join-token";

    /// <summary>On a worker: the manager's channel endpoint it joined through ("address:port"), for reconnecting after a restart.</summary>
    public const string ManagerFile = "manager";

    public static ManagerCredentials Init(string dataDirectory, string nodeName, IPAddress address, TimeProvider? time = null,
        TimeSpan? nodeCertificateValidity = null)
    {
        NodeNames.Validate(nodeName);
        if (ClusterCa.ExistsIn(dataDirectory) || NodeIdentity.ExistsIn(dataDirectory))
            throw new ClusterException($"cluster init failed: '{dataDirectory}' already holds cluster credentials; this node is already in a cluster");
        var ca = ClusterCa.Create(time);
        var token = JoinToken.Create(ca.Digest);
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest(nodeName);
        using (key)
        {
            using var issued = ca.IssueNodeCertificate(csr, JoinService.NewNodeId(), nodeName, address, nodeCertificateValidity, time);
            var identity = NodeIdentity.FromIssued(key, issued, ca.Certificate);
            ca.Save(dataDirectory);
            identity.Save(dataDirectory);
            SecureFiles.Write(Path.Combine(dataDirectory, TokenFile), token.Text + "\n");
            return new ManagerCredentials(ca, token, identity);
        }
    }

    public static bool IsManager(string dataDirectory) => ClusterCa.ExistsIn(dataDirectory);

    public static bool IsMember(string dataDirectory) => NodeIdentity.ExistsIn(dataDirectory);

    public static ManagerCredentials LoadManager(string dataDirectory)
    {
        var ca = ClusterCa.Load(dataDirectory);
        var tokenPath = Path.Combine(dataDirectory, TokenFile);
        if (!JoinToken.TryParse(SecureFiles.Read(tokenPath), out var token) || token.CaDigest != ca.Digest)
            throw new ClusterException($"load '{tokenPath}' failed: not a join token for this cluster's CA");
        return new ManagerCredentials(ca, token, NodeIdentity.Load(dataDirectory));
    }

    /// <summary>Joins through <paramref name="manager"/> and saves the new identity in <paramref name="dataDirectory"/>.</summary>
    public static async Task<NodeIdentity> JoinAsync(string dataDirectory, string token, EndPoint manager, string nodeName, IPAddress address,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        if (NodeIdentity.ExistsIn(dataDirectory))
            throw new ClusterException($"cluster join failed: '{dataDirectory}' already holds cluster credentials; this node is already in a cluster");
        var parsed = JoinToken.Parse(token);
        var identity = await JoinClient.JoinAsync(manager, parsed, nodeName, address, time, cancellationToken: cancellationToken).ConfigureAwait(false);
        identity.Save(dataDirectory);
        SecureFiles.Write(Path.Combine(dataDirectory, ManagerFile), manager + "\n");
        return identity;
    }

    /// <summary>The manager endpoint a worker joined through (written by <see cref="JoinAsync"/>).</summary>
    public static EndPoint LoadManagerEndpoint(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, ManagerFile);
        var text = SecureFiles.Read(path).Trim();
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0)
            return endpoint;
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], out var port))
            return new DnsEndPoint(text[..colon], port);
        throw new ClusterException($"load '{path}' failed: '{text}' is not an address:port");
    }

    /// <summary>Issues the manager a fresh node certificate (same id, name, address) from its own CA and saves it.</summary>
    public static NodeIdentity RenewManagerIdentity(string dataDirectory, ManagerCredentials credentials, TimeProvider? time = null,
        TimeSpan? validity = null)
    {
        var current = credentials.Identity;
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest(current.NodeName);
        using (key)
        {
            using var issued = credentials.Ca.IssueNodeCertificate(csr, current.NodeId, current.NodeName, current.Address, validity, time);
            var renewed = NodeIdentity.FromIssued(key, issued, credentials.Ca.Certificate);
            renewed.Save(dataDirectory);
            return renewed;
        }
    }
}
