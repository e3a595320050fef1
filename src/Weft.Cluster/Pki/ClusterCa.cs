// Design note — cluster PKI.
// A cluster has one CA (ECDSA P-256, self-signed, 10 years) made by `cluster init` on the manager.
// Every node, the manager included, holds a short-lived node certificate issued by it (CN = node id,
// SAN = node name + underlay IP, EKU server+client auth) and uses it for mutual TLS on the cluster channel.
// Everything is BCL (System.Security.Cryptography.X509Certificates.CertificateRequest): no package and no
// openssl subprocess. Keys are PEM (PKCS#8) files created with mode 0600 in a 0700 data directory.
// The CA ignores everything in a CSR except its public key and its signature: the subject and the SAN come
// from what the manager decided, so a joining node cannot ask for another node's identity.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Cluster.Pki;

/// <summary>The cluster certificate authority: creates, persists and loads the CA and issues node certificates.</summary>
public sealed class ClusterCa : IDisposable
{
    public const string CertificateFile = "ca.crt";
    public const string KeyFile = "ca.key";

    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(3650);
    public static readonly TimeSpan DefaultNodeValidity = TimeSpan.FromDays(30);

    /// <summary>Allowance for clocks that disagree a little between hosts.</summary>
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly ECDsa _key;

    private ClusterCa(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
        Trust = new ClusterTrust(certificate);
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Base32 SHA-256 digest of the CA certificate (DER); what a join token pins.</summary>
    public string Digest => Trust.CaDigest;

    /// <summary>Chain verification against this CA.</summary>
    public ClusterTrust Trust { get; }

    public static ClusterCa Create(TimeProvider? time = null, TimeSpan? validity = null, string commonName = "weft cluster CA")
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var selfSigned = request.CreateSelfSigned(now - ClockSkew, now + (validity ?? DefaultValidity));
        return new ClusterCa(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
    }

    public static bool ExistsIn(string directory) =>
        File.Exists(Path.Combine(directory, CertificateFile)) && File.Exists(Path.Combine(directory, KeyFile));

    public void Save(string directory)
    {
        SecureFiles.EnsureDirectory(directory);
        SecureFiles.Write(Path.Combine(directory, KeyFile), _key.ExportPkcs8PrivateKeyPem());
        SecureFiles.Write(Path.Combine(directory, CertificateFile), Certificate.ExportCertificatePem());
    }

    public static ClusterCa Load(string directory)
    {
        var certificate = Pem.LoadCertificate(Path.Combine(directory, CertificateFile));
        var key = Pem.LoadEcKey(Path.Combine(directory, KeyFile));
        Pem.EnsureKeyMatches(certificate, key, Path.Combine(directory, KeyFile));
        return new ClusterCa(certificate, key);
    }

    /// <summary>
    /// Issues a node certificate for the public key in <paramref name="csrPem"/> (whose signature must verify).
    /// Subject and SAN come from the arguments, not from the CSR.
    /// </summary>
    public X509Certificate2 IssueNodeCertificate(string csrPem, string nodeId, string nodeName, IPAddress address,
        TimeSpan? validity = null, TimeProvider? time = null)
    {
        NodeNames.Validate(nodeName);
        CertificateRequest csr;
        try
        {
            csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ClusterException($"issue certificate for node '{nodeName}' failed: the certificate signing request is malformed or its signature does not verify", e);
        }
        using var publicKey = csr.PublicKey.GetECDsaPublicKey()
            ?? throw new ClusterException($"issue certificate for node '{nodeName}' failed: the signing request must carry an ECDSA key");

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var notAfter = now + (validity ?? DefaultNodeValidity);
        if (notAfter > Certificate.NotAfter.ToUniversalTime())
            notAfter = Certificate.NotAfter.ToUniversalTime();

        var request = new CertificateRequest(new X500DistinguishedName($"CN={nodeId}"), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeName);
        san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key),
            now - ClockSkew, notAfter, serial);
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
