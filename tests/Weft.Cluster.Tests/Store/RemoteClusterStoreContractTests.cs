using System.Net;
using Weft.Cluster.Join;
using Weft.Cluster.Pki;
using Weft.Control.Store;
using Weft.Control.Tests.Store;

namespace Weft.Cluster.Tests.Store;

/// <summary>
/// The shared store contract (written once in Weft.Control.Tests) run against RemoteClusterStore over mutual TLS to a real
/// SqliteClusterStore on a temporary file. "Restart" reopens the SQLite file behind a new server and a new client.
/// </summary>
public sealed class RemoteClusterStoreContractTests : ClusterStoreContract
{
    private readonly TempDirectory _dir = new();
    private readonly ManagerCredentials _manager;
    private readonly NodeIdentity _worker;

    public RemoteClusterStoreContractTests()
    {
        _manager = ClusterSetup.Init(_dir.Sub("manager"), "manager-1", IPAddress.Loopback);
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest("worker-1");
        using (key)
        {
            using var issued = _manager.Ca.IssueNodeCertificate(csr, JoinService.NewNodeId(), "worker-1", IPAddress.Loopback);
            _worker = NodeIdentity.FromIssued(key, issued, _manager.Ca.Certificate);
        }
    }

    protected override IClusterStore OpenStore(TimeProvider time) =>
        new RemoteStoreHarness(new SqliteClusterStore(_dir.Sub("cluster.db"), time, TimeSpan.FromMilliseconds(100)), _manager.Identity, _worker);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _worker.Dispose();
        _manager.Dispose();
        _dir.Dispose();
    }
}
