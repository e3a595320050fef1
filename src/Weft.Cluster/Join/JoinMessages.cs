namespace Weft.Cluster.Join;

/// <summary>Method names of the join and certificate protocol.</summary>
public static class JoinMethods
{
    /// <summary>Returns the CA certificate (public); open to join connections so the joiner can check it against its token.</summary>
    public const string GetCa = "join.ca";

    /// <summary>Presents token + CSR, returns the node certificate; open to join connections.</summary>
    public const string Join = "join.node";

    /// <summary>Presents a new CSR over an authenticated connection, returns a fresh certificate with the same identity.</summary>
    public const string Renew = "cert.renew";
}

internal sealed record CaRequest;

internal sealed record CaResponse(string CaPem);

internal sealed record JoinRequest(string Token, string CsrPem, string NodeName, string Address);

internal sealed record JoinResponse(string NodeId, string CertificatePem, string CaPem);

internal sealed record RenewRequest(string CsrPem);

internal sealed record RenewResponse(string CertificatePem);

/// <summary>A node the manager has just admitted.</summary>
public sealed record JoinedNode(string NodeId, string NodeName, System.Net.IPAddress Address, DateTimeOffset CertificateNotAfter);
