using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Cluster.Pki;

/// <summary>
/// A node's credentials on the cluster channel: its private key, its CA-issued certificate and the CA certificate.
/// Node id, name and underlay address are read from the certificate (CN and SANs), so the files are the single truth.
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    public const string CertificateFile = "node.crt";
    public const string KeyFile = "node.key";

    private NodeIdentity(X509Certificate2 certificateWithKey, X509Certificate2 caCertificate)
    {
        Certificate = certificateWithKey;
        Trust = new ClusterTrust(caCertificate);
        NodeId = certificateWithKey.GetNameInfo(X509NameType.SimpleName, false);
        var san = certificateWithKey.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault()
            ?? throw new ClusterException($"node certificate '{certificateWithKey.Subject}' has no subject alternative names");
        NodeName = san.EnumerateDnsNames().FirstOrDefault()
            ?? throw new ClusterException($"node certificate '{certificateWithKey.Subject}' has no DNS name");
        Address = san.EnumerateIPAddresses().FirstOrDefault()
            ?? throw new ClusterException($"node certificate '{certificateWithKey.Subject}' has no IP address");
    }

    public string NodeId { get; }

    public string NodeName { get; }

    /// <summary>The node's underlay address, as certified.</summary>
    public IPAddress Address { get; }

    /// <summary>The node certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public ClusterTrust Trust { get; }

    public X509Certificate2 CaCertificate => Trust.CaCertificate;

    public DateTimeOffset NotAfter => Certificate.NotAfter.ToUniversalTime();

    /// <summary>
    /// True once two thirds of the certificate's lifetime have passed (renew then, as Docker does with its node certs).
    /// The lifetime counts from issue: NotBefore is back-dated by the CA's clock-skew allowance, which is not lifetime.
    /// </summary>
    public bool NeedsRenewal(DateTimeOffset now)
    {
        var issued = Certificate.NotBefore.ToUniversalTime() + ClusterCa.ClockSkew;
        return now >= issued + (NotAfter - issued) * 2 / 3;
    }

    /// <summary>A fresh P-256 key and a PKCS#10 signing request for it.</summary>
    public static (ECDsa Key, string CsrPem) NewKeyAndSigningRequest(string nodeName)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={nodeName}"), key, HashAlgorithmName.SHA256);
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>Combines a key this node generated with the certificate the CA issued for it.</summary>
    public static NodeIdentity FromIssued(ECDsa key, X509Certificate2 issued, X509Certificate2 caCertificate)
    {
        Pem.EnsureKeyMatches(issued, key, "issued certificate");
        using var publicOnly = X509CertificateLoader.LoadCertificate(issued.RawData);
        return new NodeIdentity(publicOnly.CopyWithPrivateKey(key), caCertificate);
    }

    public static bool ExistsIn(string directory) =>
        File.Exists(Path.Combine(directory, CertificateFile)) && File.Exists(Path.Combine(directory, KeyFile))
        && File.Exists(Path.Combine(directory, ClusterCa.CertificateFile));

    public void Save(string directory)
    {
        SecureFiles.EnsureDirectory(directory);
        using var key = Certificate.GetECDsaPrivateKey()
            ?? throw new ClusterException($"save node identity '{NodeId}' failed: the certificate has no private key");
        SecureFiles.Write(Path.Combine(directory, KeyFile), key.ExportPkcs8PrivateKeyPem());
        SecureFiles.Write(Path.Combine(directory, CertificateFile), Certificate.ExportCertificatePem());
        SecureFiles.Write(Path.Combine(directory, ClusterCa.CertificateFile), CaCertificate.ExportCertificatePem());
    }

    public static NodeIdentity Load(string directory)
    {
        var keyPath = Path.Combine(directory, KeyFile);
        using var certificate = Pem.LoadCertificate(Path.Combine(directory, CertificateFile));
        using var key = Pem.LoadEcKey(keyPath);
        Pem.EnsureKeyMatches(certificate, key, keyPath);
        var ca = Pem.LoadCertificate(Path.Combine(directory, ClusterCa.CertificateFile));
        return new NodeIdentity(certificate.CopyWithPrivateKey(key), ca);
    }

    public void Dispose()
    {
        Certificate.Dispose();
    }
}
