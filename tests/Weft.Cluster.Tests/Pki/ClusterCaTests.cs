using System.Net;
using System.Security.Cryptography.X509Certificates;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Tests.Pki;

public sealed class ClusterCaTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (System.Security.Cryptography.ECDsa Key, X509Certificate2 Cert) Issue(ClusterCa ca, string name = "worker-1",
        TimeSpan? validity = null)
    {
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest(name);
        return (key, ca.IssueNodeCertificate(csr, "node-id-1", name, IPAddress.Parse("198.51.100.7"), validity));
    }

    [Fact]
    public void The_CA_is_a_self_signed_P256_authority()
    {
        using var ca = ClusterCa.Create();
        var constraints = ca.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.Equal(ca.Certificate.Subject, ca.Certificate.Issuer);
        using var key = ca.Certificate.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        Assert.Equal(52, ca.Digest.Length); // base32 of a SHA-256
    }

    [Fact]
    public void A_node_certificate_carries_id_name_address_and_chains_to_the_CA()
    {
        using var ca = ClusterCa.Create();
        var (key, cert) = Issue(ca, validity: TimeSpan.FromDays(2));
        using (key)
        using (cert)
        {
            Assert.Equal("CN=node-id-1", cert.Subject);
            var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Equal(["worker-1"], san.EnumerateDnsNames());
            Assert.Equal([IPAddress.Parse("198.51.100.7")], san.EnumerateIPAddresses());
            var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
                .Select(o => o.Value).ToList();
            Assert.Contains("1.3.6.1.5.5.7.3.1", eku);
            Assert.Contains("1.3.6.1.5.5.7.3.2", eku);
            Assert.InRange(cert.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2));
            Assert.True(ca.Trust.Verify(cert, DateTimeOffset.UtcNow, out var reason), reason);
        }
    }

    [Fact]
    public void The_subject_comes_from_the_manager_not_from_the_CSR()
    {
        using var ca = ClusterCa.Create();
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest("i-am-the-manager");
        using (key)
        {
            using var cert = ca.IssueNodeCertificate(csr, "assigned-id", "worker-9", IPAddress.Parse("198.51.100.9"));
            Assert.Equal("CN=assigned-id", cert.Subject);
        }
    }

    [Fact]
    public void A_certificate_from_another_CA_or_out_of_its_validity_does_not_verify()
    {
        using var ca = ClusterCa.Create();
        using var other = ClusterCa.Create();
        var (key, foreign) = Issue(other);
        using (key)
        using (foreign)
        {
            Assert.False(ca.Trust.Verify(foreign, DateTimeOffset.UtcNow, out var reason));
            Assert.Contains("does not chain to the cluster CA", reason);
        }
        var (key2, own) = Issue(ca, validity: TimeSpan.FromHours(1));
        using (key2)
        using (own)
        {
            Assert.False(ca.Trust.Verify(own, DateTimeOffset.UtcNow.AddHours(2), out var reason));
            Assert.Contains("NotTimeValid", reason);
            Assert.False(ca.Trust.Verify(ca.Certificate, DateTimeOffset.UtcNow, out _)); // the CA itself is not a node
        }
    }

    [Fact]
    public void A_tampered_signing_request_is_refused()
    {
        using var ca = ClusterCa.Create();
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest("worker-1");
        using (key)
        {
            var der = Convert.FromBase64String(string.Concat(csr.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
            der[^5] ^= 0x01; // inside the signature
            var tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Convert.ToBase64String(der) + "\n-----END CERTIFICATE REQUEST-----\n";
            var e = Assert.Throws<ClusterException>(() => ca.IssueNodeCertificate(tampered, "id", "worker-1", IPAddress.Loopback));
            Assert.Contains("signature does not verify", e.Message);
        }
    }

    [Fact]
    public void A_node_name_that_is_not_a_host_name_is_refused()
    {
        using var ca = ClusterCa.Create();
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest("ok");
        using (key)
        {
            var e = Assert.Throws<ClusterException>(() => ca.IssueNodeCertificate(csr, "id", "bad name!", IPAddress.Loopback));
            Assert.Equal("node name 'bad name!' is invalid: use letters, digits, '-' and '.' like a host name", e.Message);
        }
    }

    [Fact]
    public void CA_and_node_identity_are_saved_0600_and_load_back()
    {
        var dir = _dir.Sub("data");
        using var ca = ClusterCa.Create();
        ca.Save(dir);
        var (key, cert) = Issue(ca);
        using (key)
        using (cert)
        using (var identity = NodeIdentity.FromIssued(key, cert, ca.Certificate))
            identity.Save(dir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        foreach (var file in Directory.GetFiles(dir))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(["ca.crt", "ca.key", "node.crt", "node.key"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());

        using var loadedCa = ClusterCa.Load(dir);
        Assert.Equal(ca.Digest, loadedCa.Digest);
        using var loaded = NodeIdentity.Load(dir);
        Assert.Equal(("node-id-1", "worker-1", IPAddress.Parse("198.51.100.7")), (loaded.NodeId, loaded.NodeName, loaded.Address));
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.True(loaded.Trust.Verify(loaded.Certificate, DateTimeOffset.UtcNow, out var reason), reason);

        // The loaded CA still issues certificates the old trust accepts.
        var (key3, again) = Issue(loadedCa);
        using (key3)
        using (again)
            Assert.True(ca.Trust.Verify(again, DateTimeOffset.UtcNow, out _));
    }

    [Fact]
    public void A_key_that_does_not_belong_to_the_certificate_is_refused_on_load()
    {
        var dir = _dir.Sub("mixed");
        using var ca = ClusterCa.Create();
        ca.Save(dir);
        using var other = ClusterCa.Create();
        other.Save(_dir.Sub("other"));
        File.Copy(Path.Combine(_dir.Sub("other"), "ca.key"), Path.Combine(dir, "ca.key"), overwrite: true);
        var e = Assert.Throws<ClusterException>(() => ClusterCa.Load(dir));
        Assert.Contains("does not belong to certificate", e.Message);
    }

    [Fact]
    public void Loading_from_an_empty_directory_says_what_is_missing()
    {
        var e = Assert.Throws<ClusterException>(() => NodeIdentity.Load(_dir.Path));
        Assert.Contains("file not found", e.Message);
        Assert.Contains("node.crt", e.Message);
    }

    [Fact]
    public void Renewal_is_due_after_two_thirds_of_the_lifetime()
    {
        using var ca = ClusterCa.Create();
        var (key, cert) = Issue(ca, validity: TimeSpan.FromDays(30));
        using (key)
        using (cert)
        using (var identity = NodeIdentity.FromIssued(key, cert, ca.Certificate))
        {
            Assert.False(identity.NeedsRenewal(DateTimeOffset.UtcNow));
            Assert.False(identity.NeedsRenewal(DateTimeOffset.UtcNow.AddDays(19)));
            Assert.True(identity.NeedsRenewal(DateTimeOffset.UtcNow.AddDays(21)));
        }
    }

    [Fact]
    public void A_key_file_others_can_read_is_refused_on_load()
    {
        var dir = _dir.Sub("loose");
        using var ca = ClusterCa.Create();
        ca.Save(dir);
        var keyPath = Path.Combine(dir, ClusterCa.KeyFile);
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var e = Assert.Throws<ClusterException>(() => ClusterCa.Load(dir));
        Assert.Equal($"load key '{keyPath}' failed: group or others can access it (mode 644); run chmod 600 '{keyPath}'", e.Message);
    }
}
