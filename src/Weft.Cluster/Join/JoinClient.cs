using System.Net;
using System.Security.Cryptography.X509Certificates;
using Weft.Cluster.Channel;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Join;

/// <summary>
/// The joining node's side. Order matters: (1) TLS to the manager without a client certificate; (2) fetch the CA
/// certificate and compare its digest with the token's (pinning, no trust on first use); (3) check that the manager's
/// TLS certificate chains to that CA, which authenticates this very connection; only then (4) send the token's secret
/// with a CSR. A man in the middle cannot pass (2)+(3) without the CA key, so it never sees the secret.
/// </summary>
public static class JoinClient
{
    public static async Task<NodeIdentity> JoinAsync(EndPoint manager, JoinToken token, string nodeName, IPAddress address,
        TimeProvider? time = null, TimeSpan? connectTimeout = null, CancellationToken cancellationToken = default)
    {
        NodeNames.Validate(nodeName);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var ssl = await ChannelDialer.ConnectAsync(manager, ChannelTls.JoinClient(), connectTimeout ?? ChannelDialer.DefaultTimeout,
            cancellationToken).ConfigureAwait(false);
        var serverCertificate = ChannelTls.AsCertificate2(ssl.RemoteCertificate)
            ?? throw new ClusterException($"join {manager} failed: the manager presented no TLS certificate");
        await using var connection = new ClientConnection(ssl, manager);

        var ca = await CallAsync<CaRequest, CaResponse>(connection, JoinMethods.GetCa, new CaRequest(), cancellationToken).ConfigureAwait(false);
        var caCertificate = Pem.ParseCertificate(ca.CaPem, $"join {manager} failed: the manager's CA");
        var trust = new ClusterTrust(caCertificate);
        if (trust.CaDigest != token.CaDigest)
            throw new ClusterException($"join {manager} failed: the manager's CA (digest {Short(trust.CaDigest)}) is not the one the join token pins ({Short(token.CaDigest)}); wrong token, wrong manager, or a machine in the middle");
        if (!trust.Verify(serverCertificate, now, out var reason))
            throw new ClusterException($"join {manager} failed: the manager's TLS certificate is not trusted: {reason}");

        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest(nodeName);
        using (key)
        {
            var answer = await CallAsync<JoinRequest, JoinResponse>(connection, JoinMethods.Join,
                new JoinRequest(token.Text, csr, nodeName, address.ToString()), cancellationToken).ConfigureAwait(false);
            using var issued = Pem.ParseCertificate(answer.CertificatePem, $"join {manager} failed: the issued certificate");
            if (!trust.Verify(issued, now, out reason))
                throw new ClusterException($"join {manager} failed: the issued certificate is not valid: {reason}");
            return NodeIdentity.FromIssued(key, issued, caCertificate);
        }
    }

    /// <summary>Asks the manager for a fresh certificate with a new key and the same identity.</summary>
    public static async Task<NodeIdentity> RenewAsync(ClusterClient manager, NodeIdentity current, TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest(current.NodeName);
        using (key)
        {
            var answer = await manager.CallAsync<RenewRequest, RenewResponse>(JoinMethods.Renew, new RenewRequest(csr), cancellationToken).ConfigureAwait(false);
            using var issued = Pem.ParseCertificate(answer.CertificatePem, $"renew certificate of node '{current.NodeId}' failed: the answer");
            if (!current.Trust.Verify(issued, (time ?? TimeProvider.System).GetUtcNow(), out var reason))
                throw new ClusterException($"renew certificate of node '{current.NodeId}' failed: {reason}");
            return NodeIdentity.FromIssued(key, issued, current.CaCertificate);
        }
    }

    private static async Task<TResponse> CallAsync<TRequest, TResponse>(ClientConnection connection, string method, TRequest request,
        CancellationToken cancellationToken)
    {
        var body = await connection.CallAsync(method, ChannelJson.ToElement(request), cancellationToken).ConfigureAwait(false);
        return ChannelJson.FromElement<TResponse>(body, $"answer to '{method}'");
    }

    private static string Short(string digest) => digest[..Math.Min(12, digest.Length)] + "…";
}
