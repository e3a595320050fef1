using Microsoft.Extensions.Time.Testing;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Cluster.Pki;

namespace Weft.Agent.Tests;

/// <summary>
/// Two real agents on one fake clock (the agents' <see cref="TimeProvider"/>), node certificates valid for an hour: nothing
/// is renewed while the clock stands still; moved past two thirds of the lifetime, both nodes renew, and the worker keeps
/// using the manager's store over mutual TLS with the renewed certificates on both ends. The certificates are issued, and
/// checked by TLS, on the system clock, so this cannot show a worker outliving its first certificate's real expiry: it shows
/// that renewal is driven by the agent's clock and that the renewed credentials work.
/// </summary>
public sealed class CertificateRenewalTests : IAsyncLifetime
{
    private static readonly TimeSpan Validity = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private RunningAgent _h1 = null!;
    private RunningAgent _h2 = null!;

    public async Task InitializeAsync()
    {
        _h1 = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1", nodeCertificateValidity: Validity, time: _clock);
        _h2 = await RunningAgent.StartAsync(nodeName: "h2", underlayAddress: "127.0.0.1", nodeCertificateValidity: Validity, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _h2.DisposeAsync();
        await _h1.DisposeAsync();
    }

    /// <summary>The certificate on disk (its thumbprint: a renewal within the same second keeps NotAfter).</summary>
    private static string CertificateOnDisk(RunningAgent agent)
    {
        using var identity = NodeIdentity.Load(Path.Combine(agent.Options.DataDir, "cluster"));
        return identity.Certificate.Thumbprint;
    }

    [Fact]
    public async Task Both_nodes_renew_when_the_agents_clock_passes_two_thirds_of_the_lifetime_and_the_worker_keeps_working()
    {
        using var c1 = _h1.Client();
        using var c2 = _h2.Client();
        var init = await c1.ClusterInitAsync(new ClusterInitRequest());
        await c2.ClusterJoinAsync(new ClusterJoinRequest { RemoteAddr = init.ManagerAddress, JoinToken = init.JoinToken });
        var firstManager = CertificateOnDisk(_h1);
        var firstWorker = CertificateOnDisk(_h2);

        // The clock has not moved: no renewal timer has fired, so both certificates are the first ones, whatever the
        // wall clock did meanwhile.
        await c2.CreateNetworkAsync(new NetworkCreateRequest { Name = "before-renewal" });
        Assert.Equal(firstManager, CertificateOnDisk(_h1));
        Assert.Equal(firstWorker, CertificateOnDisk(_h2));

        // Past two thirds of the lifetime (plus a check period, so both renewal timers fire once).
        _clock.Advance(Validity * 2 / 3 + TimeSpan.FromMinutes(4));
        var (manager, worker) = await Eventually.WaitAsync(() => Task.FromResult((CertificateOnDisk(_h1), CertificateOnDisk(_h2))),
            now => now.Item1 != firstManager && now.Item2 != firstWorker, TimeSpan.FromSeconds(20));
        Assert.True(manager != firstManager, "the manager did not renew its certificate");
        Assert.True(worker != firstWorker, "the worker did not renew its certificate");

        // The worker still reaches the manager's store over the channel (with a renewed certificate on both ends).
        await c2.CreateNetworkAsync(new NetworkCreateRequest { Name = "after-renewal" });
        Assert.Contains("after-renewal", (await c1.ListNetworksAsync()).Select(n => n.Name));
    }
}
