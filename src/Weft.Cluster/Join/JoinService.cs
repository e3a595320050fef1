using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Weft.Cluster.Channel;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Join;

/// <summary>
/// The manager's side of joining and certificate renewal. A join connection has no client certificate, so the
/// token's secret is the only credential: it is compared in constant time and never logged. The node id is chosen
/// here, not by the joiner.
/// </summary>
public sealed class JoinService
{
    private readonly ClusterCa _ca;
    private readonly JoinToken _token;
    private readonly TimeProvider _time;
    private readonly TimeSpan _validity;
    private readonly Func<JoinedNode, CancellationToken, Task>? _joined;

    public JoinService(ClusterCa ca, JoinToken token, TimeProvider? time = null, TimeSpan? nodeCertificateValidity = null,
        Func<JoinedNode, CancellationToken, Task>? joined = null)
    {
        _ca = ca;
        _token = token;
        _time = time ?? TimeProvider.System;
        _validity = nodeCertificateValidity ?? ClusterCa.DefaultNodeValidity;
        _joined = joined;
    }

    public void MapTo(RpcRouter router)
    {
        router.MapUnary<CaRequest, CaResponse>(JoinMethods.GetCa,
            (_, _, _) => Task.FromResult(new CaResponse(_ca.Certificate.ExportCertificatePem())), allowWithoutCertificate: true);
        router.MapUnary<JoinRequest, JoinResponse>(JoinMethods.Join, JoinAsync, allowWithoutCertificate: true);
        router.MapUnary<RenewRequest, RenewResponse>(JoinMethods.Renew, RenewAsync);
    }

    /// <summary>A fresh node id: 24 base32 characters from 15 random bytes.</summary>
    public static string NewNodeId() => Base32.Encode(RandomNumberGenerator.GetBytes(15));

    private async Task<JoinResponse> JoinAsync(CallContext context, JoinRequest request, CancellationToken cancellationToken)
    {
        if (!JoinToken.TryParse(request.Token, out var presented))
            throw new ClusterException("join refused: the join token is malformed (expected SWMTKN-1-<ca digest>-<secret>)");
        if (!_token.Matches(presented))
            throw new ClusterException(presented.CaDigest == _token.CaDigest
                ? "join refused: the join token's secret is wrong for this cluster (ask the manager for the current token)"
                : "join refused: the join token is for a different cluster CA");
        if (!IPAddress.TryParse(request.Address, out var address))
            throw new ArgumentException($"join refused: underlay address '{request.Address}' is not an IP address");

        var nodeId = NewNodeId();
        using var issued = _ca.IssueNodeCertificate(request.CsrPem, nodeId, request.NodeName, address, _validity, _time);
        if (_joined is not null)
            await _joined(new JoinedNode(nodeId, request.NodeName, address, issued.NotAfter.ToUniversalTime()), cancellationToken).ConfigureAwait(false);
        return new JoinResponse(nodeId, issued.ExportCertificatePem(), _ca.Certificate.ExportCertificatePem());
    }

    private Task<RenewResponse> RenewAsync(CallContext context, RenewRequest request, CancellationToken cancellationToken)
    {
        var current = context.PeerCertificate
            ?? throw new ClusterException("renew refused: the connection carries no node certificate");
        var san = current.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var name = san.EnumerateDnsNames().First();
        var address = san.EnumerateIPAddresses().First();
        using var issued = _ca.IssueNodeCertificate(request.CsrPem, context.NodeId!, name, address, _validity, _time);
        return Task.FromResult(new RenewResponse(issued.ExportCertificatePem()));
    }
}
