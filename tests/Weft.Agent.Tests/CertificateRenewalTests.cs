using Weft.Api;
using Weft.Api.Dto;
using Weft.Cluster.Pki;

namespace Weft.Agent.Tests;

/// <summary>
/// Two real agents whose node certificates live 15 s: both renew at two thirds, and the worker keeps using the manager's
/// store over mutual TLS well past the moment its first certificate expired.
/// </summary>
public sealed class CertificateRenewalTests : IAsyncLifetime
{
    private static readonly TimeSpan Validity = TimeSpan.FromSeconds(15);
    private RunningAgent _h1 = null!;
    private RunningAgent _h2 = null!;

    public async Task InitializeAsync()
    {
        _h1 = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1", nodeCertificateValidity: Validity);
        _h2 = await RunningAgent.StartAsync(nodeName: "h2", underlayAddress: "127.0.0.1", nodeCertificateValidity: Validity);
    }

    public async Task DisposeAsync()
    {
        await _h2.DisposeAsync();
        await _h1.DisposeAsync();
    }

    private static DateTimeOffset NotAfterOnDisk(RunningAgent agent)
    {
        using var identity = NodeIdentity.Load(Path.Combine(agent.Options.DataDir, "cluster"));
        return identity.NotAfter;
    }

    [Fact]
    public async Task Both_nodes_renew_and_the_worker_works_after_its_first_certificate_expired()
    {
        using var c1 = _h1.Client();
        using var c2 = _h2.Client();
        var init = await c1.ClusterInitAsync(new ClusterInitRequest());
        await c2.ClusterJoinAsync(new ClusterJoinRequest { RemoteAddr = init.ManagerAddress, JoinToken = init.JoinToken });
        var firstManager = NotAfterOnDisk(_h1);
        var firstWorker = NotAfterOnDisk(_h2);
        Assert.InRange(firstWorker - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(5), Validity + TimeSpan.FromSeconds(1));

        // Wait until both first certificates have expired (plus a margin); renewals happened at about 10 s.
        var expired = (firstWorker > firstManager ? firstWorker : firstManager) + TimeSpan.FromSeconds(3);
        await Task.Delay(expired - DateTimeOffset.UtcNow);

        Assert.True(NotAfterOnDisk(_h1) > firstManager, "the manager did not renew its certificate");
        Assert.True(NotAfterOnDisk(_h2) > firstWorker, "the worker did not renew its certificate");
        // The worker still reaches the manager's store over the channel (with a renewed certificate on both ends).
        await c2.CreateNetworkAsync(new NetworkCreateRequest { Name = "after-renewal" });
        Assert.Contains("after-renewal", (await c1.ListNetworksAsync()).Select(n => n.Name));
    }
}
