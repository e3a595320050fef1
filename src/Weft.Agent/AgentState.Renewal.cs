using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Cluster.Join;

namespace Weft.Agent;

// Node certificates live for --node-cert-validity (30 days by default) and are renewed at two thirds of that, like
// Docker's swarm node certificates: a worker asks the manager over the channel (cert.renew, new key, same identity),
// the manager issues its own from the CA and restarts its channel with it. Without this a cluster stops admitting its
// workers when their first certificates expire.
public sealed partial class AgentState
{
    /// <summary>Renews this node's certificate when it is due; true when it did. Errors are the caller's to log and retry.</summary>
    public async Task<bool> RenewCertificateIfDueAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = DateTimeOffset.UtcNow;
            if (Role == ClusterRole.Worker && _identity is { } identity && _client is { } client && identity.NeedsRenewal(now))
            {
                var renewed = await JoinClient.RenewAsync(client, identity, cancellationToken: ct);
                renewed.Save(ClusterDirectory);
                var manager = ParseEndpoint(ManagerAddress, "manager address");
                await StopWorkerAsync();
                StartWorker(renewed, manager); // a new client presents the new certificate; watchers resubscribe on ControlChanged
                CertificateRenewed(_logger, renewed.NodeId, renewed.NotAfter);
                return true;
            }
            if (Role == ClusterRole.Manager && _manager is { } credentials && _server is { } server && credentials.Identity.NeedsRenewal(now))
            {
                var renewed = ClusterSetup.RenewManagerIdentity(ClusterDirectory, credentials, validity: _options.NodeCertificateValidity);
                var port = server.LocalEndpoint.Port;
                await server.DisposeAsync(); // workers reconnect to the new channel on their next call
                StartManager(new ManagerCredentials(credentials.Ca, credentials.Token, renewed), port);
                credentials.Identity.Dispose(); // the CA and token carry over
                CertificateRenewed(_logger, renewed.NodeId, renewed.NotAfter);
                return true;
            }
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The certificate this node presents now (null when not in a cluster).</summary>
    public DateTimeOffset? CertificateNotAfter => Role switch
    {
        ClusterRole.Worker => _identity?.NotAfter,
        ClusterRole.Manager => _manager?.Identity.NotAfter,
        _ => null,
    };

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "node {NodeId}: certificate renewed, valid until {NotAfter:u}")]
    private static partial void CertificateRenewed(ILogger logger, string nodeId, DateTimeOffset notAfter);
}
