using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Weft.Cluster.Pki;

/// <summary>Loading PEM certificates and EC keys from files with one-line errors naming the file.</summary>
internal static class Pem
{
    public static X509Certificate2 LoadCertificate(string path)
    {
        var text = SecureFiles.Read(path);
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new ClusterException($"load certificate '{path}' failed: not a PEM certificate", e);
        }
    }

    public static X509Certificate2 ParseCertificate(string pem, string what)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ClusterException($"{what}: not a PEM certificate", e);
        }
    }

    public static ECDsa LoadEcKey(string path)
    {
        var text = SecureFiles.Read(path);
        SecureFiles.EnsurePrivate(path);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(text);
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new ClusterException($"load key '{path}' failed: not a PEM ECDSA private key", e);
        }
    }

    public static void EnsureKeyMatches(X509Certificate2 certificate, ECDsa key, string keyPath)
    {
        using var certKey = certificate.GetECDsaPublicKey();
        if (certKey is null || !certKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            throw new ClusterException($"load key '{keyPath}' failed: the key does not belong to certificate '{certificate.Subject}'");
    }
}
