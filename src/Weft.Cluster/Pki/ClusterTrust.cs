using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Cluster.Pki;

/// <summary>Verifies that a certificate chains to the cluster CA (custom root trust; the system store is never consulted).</summary>
public sealed class ClusterTrust
{
    public ClusterTrust(X509Certificate2 caCertificate)
    {
        CaCertificate = caCertificate;
        CaDigest = DigestOf(caCertificate);
    }

    public X509Certificate2 CaCertificate { get; }

    public string CaDigest { get; }

    /// <summary>Base32 (lower case, no padding) SHA-256 of the certificate's DER encoding.</summary>
    public static string DigestOf(X509Certificate2 certificate) => Base32.Encode(SHA256.HashData(certificate.RawData));

    /// <summary>True if <paramref name="certificate"/> is an end-entity certificate issued by the cluster CA and valid at <paramref name="at"/>.</summary>
    public bool Verify(X509Certificate2 certificate, DateTimeOffset at, out string reason)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Select(s => s.Status.ToString()).DefaultIfEmpty("unknown").Distinct();
            reason = $"certificate '{certificate.Subject}' does not chain to the cluster CA ({string.Join(", ", status)})";
            return false;
        }
        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawData.AsSpan().SequenceEqual(CaCertificate.RawData) || chain.ChainElements.Count < 2)
        {
            reason = $"certificate '{certificate.Subject}' is not issued by the cluster CA";
            return false;
        }
        reason = "";
        return true;
    }
}
