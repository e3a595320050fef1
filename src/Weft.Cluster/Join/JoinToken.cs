using System.Security.Cryptography;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Join;

/// <summary>
/// A join token shaped like Docker's: <c>SWMTKN-1-&lt;base32 SHA-256 of the CA certificate&gt;-&lt;base32 random secret&gt;</c>.
/// The digest lets the joining node pin the cluster CA before it trusts anything the manager says (no trust on first use);
/// the secret proves to the manager that the node was invited. <see cref="ToString"/> is redacted; <see cref="Text"/> is the token.
/// </summary>
public sealed class JoinToken
{
    public const string Prefix = "SWMTKN-1-";
    private const int DigestBytes = 32;
    private const int SecretBytes = 20;
    private const string Malformed = "join token is malformed: expected SWMTKN-1-<ca digest>-<secret> as printed by 'weft cluster init'";

    private JoinToken(string caDigest, string secret)
    {
        CaDigest = caDigest;
        Secret = secret;
    }

    /// <summary>Base32 SHA-256 digest of the cluster CA certificate.</summary>
    public string CaDigest { get; }

    internal string Secret { get; }

    /// <summary>The full token, including the secret. Print it for the operator; never log it.</summary>
    public string Text => $"{Prefix}{CaDigest}-{Secret}";

    public static JoinToken Create(string caDigest) =>
        new(caDigest, Base32.Encode(RandomNumberGenerator.GetBytes(SecretBytes)));

    public static JoinToken Parse(string text) =>
        TryParse(text, out var token) ? token : throw new ClusterException(Malformed);

    public static bool TryParse(string? text, out JoinToken token)
    {
        token = null!;
        text = text?.Trim();
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var parts = text[Prefix.Length..].Split('-');
        if (parts.Length != 2
            || !Base32.TryDecode(parts[0], out var digest) || digest.Length != DigestBytes
            || !Base32.TryDecode(parts[1], out var secret) || secret.Length != SecretBytes)
            return false;
        token = new JoinToken(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant());
        return true;
    }

    /// <summary>Constant-time comparison of both parts against the token the manager issued.</summary>
    public bool Matches(JoinToken presented)
    {
        var digestOk = CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(CaDigest), System.Text.Encoding.ASCII.GetBytes(presented.CaDigest));
        var secretOk = CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(Secret), System.Text.Encoding.ASCII.GetBytes(presented.Secret));
        return digestOk & secretOk;
    }

    public override string ToString() => $"{Prefix}{CaDigest}-<redacted>";
}
