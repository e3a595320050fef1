using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Channel;

/// <summary>
/// TLS settings of the channel. Normal connections are mutual TLS: both certificates must chain to the cluster CA
/// (custom root trust, never the system store). A client that names <see cref="JoinServerName"/> in SNI gets a
/// server-authenticated connection without a client certificate on which only join methods answer.
/// Host names are not checked: the identity that matters is "issued by this cluster's CA", and nodes are dialled by IP.
/// </summary>
internal static class ChannelTls
{
    public const string ClusterServerName = "weft-cluster";
    public const string JoinServerName = "weft-join";
    public static readonly SslApplicationProtocol Protocol = new("weft/1");
    private const SslProtocols Protocols = SslProtocols.Tls13 | SslProtocols.Tls12;

    public static SslServerAuthenticationOptions Server(SslStreamCertificateContext certificate, ClusterTrust trust, bool join,
        TimeProvider time, Action<string> refused, Func<string, bool>? isNodeAllowed = null) => new()
        {
            ServerCertificateContext = certificate,
            ClientCertificateRequired = !join,
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = [Protocol],
            RemoteCertificateValidationCallback = join
                ? (_, _, _, _) => true
                : (_, presented, _, _) => Accept(presented, trust, time, "client", refused) && Allowed(presented!, isNodeAllowed, refused),
        };

    private static bool Allowed(X509Certificate presented, Func<string, bool>? isNodeAllowed, Action<string> refused)
    {
        if (isNodeAllowed is null)
            return true;
        var nodeId = AsCertificate2(presented)!.GetNameInfo(X509NameType.SimpleName, false);
        if (isNodeAllowed(nodeId))
            return true;
        refused($"node '{nodeId}' is no longer a member of this cluster");
        return false;
    }

    public static SslClientAuthenticationOptions Client(NodeIdentity identity, TimeProvider time, Action<string> refused) => new()
    {
        TargetHost = ClusterServerName,
        ClientCertificateContext = SslStreamCertificateContext.Create(identity.Certificate, [identity.CaCertificate], offline: true),
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = [Protocol],
        RemoteCertificateValidationCallback = (_, presented, _, _) => Accept(presented, identity.Trust, time, "server", refused),
    };

    /// <summary>Join client: the server certificate is checked after the handshake, against the CA pinned by the token.</summary>
    public static SslClientAuthenticationOptions JoinClient() => new()
    {
        TargetHost = JoinServerName,
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = [Protocol],
        RemoteCertificateValidationCallback = (_, _, _, _) => true,
    };

    public static X509Certificate2? AsCertificate2(X509Certificate? certificate) => certificate switch
    {
        null => null,
        X509Certificate2 c2 => c2,
        _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
    };

    private static bool Accept(X509Certificate? presented, ClusterTrust trust, TimeProvider time, string role, Action<string> refused)
    {
        var certificate = AsCertificate2(presented);
        if (certificate is null)
        {
            refused($"{role} presented no certificate");
            return false;
        }
        if (!trust.Verify(certificate, time.GetUtcNow(), out var reason))
        {
            refused($"{role} {reason}");
            return false;
        }
        return true;
    }
}
