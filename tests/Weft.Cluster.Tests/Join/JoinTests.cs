using System.Net;
using Weft.Cluster.Channel;
using Weft.Cluster.Join;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Tests.Join;

/// <summary>Joining a real manager over TLS on 127.0.0.1.</summary>
public sealed class JoinTests : ClusterTest
{
    private JoinToken Token => Cluster.Credentials.Token;

    [Fact]
    public async Task A_good_token_gets_a_node_certificate_from_the_cluster_CA()
    {
        using var worker = await JoinClient.JoinAsync(Cluster.Endpoint, Token, "worker-1", IPAddress.Parse("198.51.100.21"));
        Assert.Equal("worker-1", worker.NodeName);
        Assert.Equal(IPAddress.Parse("198.51.100.21"), worker.Address);
        Assert.Equal(Cluster.Credentials.Ca.Digest, worker.Trust.CaDigest);
        Assert.True(Cluster.Credentials.Ca.Trust.Verify(worker.Certificate, DateTimeOffset.UtcNow, out var reason), reason);
        Assert.True(worker.Certificate.HasPrivateKey);
        var joined = Assert.Single(Cluster.Joined);
        Assert.Equal((worker.NodeId, "worker-1", IPAddress.Parse("198.51.100.21")), (joined.NodeId, joined.NodeName, joined.Address));

        // The new identity opens the mutual-TLS channel.
        var answer = await Cluster.Client(worker).CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("hi"));
        Assert.Equal(worker.NodeId, answer.CallerNodeId);
    }

    [Fact]
    public async Task Two_joins_get_different_node_ids()
    {
        using var a = await Cluster.JoinAsync("worker-a");
        using var b = await Cluster.JoinAsync("worker-b");
        Assert.NotEqual(a.NodeId, b.NodeId);
        Assert.NotEqual(Cluster.Credentials.Identity.NodeId, a.NodeId);
    }

    [Fact]
    public async Task A_wrong_secret_is_rejected_with_a_message_and_no_certificate()
    {
        var wrong = JoinToken.Create(Cluster.Credentials.Ca.Digest); // right CA, other secret
        var e = await Assert.ThrowsAsync<ClusterRemoteException>(() =>
            JoinClient.JoinAsync(Cluster.Endpoint, wrong, "worker-1", IPAddress.Loopback));
        Assert.Equal("cluster call 'join.node' failed on the remote node: join refused: the join token's secret is wrong for this cluster (ask the manager for the current token)", e.Message);
        Assert.Empty(Cluster.Joined);
    }

    [Fact]
    public async Task A_token_pinning_another_CA_stops_the_joiner_before_it_sends_the_secret()
    {
        using var otherCa = ClusterCa.Create();
        var parts = Token.Text.Split('-');
        var tampered = JoinToken.Parse($"SWMTKN-1-{otherCa.Digest}-{parts[3]}");
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            JoinClient.JoinAsync(Cluster.Endpoint, tampered, "worker-1", IPAddress.Loopback));
        Assert.Contains("is not the one the join token pins", e.Message);
        Assert.Contains("wrong token, wrong manager, or a machine in the middle", e.Message);
        Assert.Empty(Cluster.Joined);
    }

    [Fact]
    public async Task A_manager_of_another_cluster_is_detected_by_the_pin()
    {
        await using var impostor = TestCluster.Start();
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            JoinClient.JoinAsync(impostor.Endpoint, Token, "worker-1", IPAddress.Loopback));
        Assert.Contains("is not the one the join token pins", e.Message);
        Assert.Empty(impostor.Joined);
    }

    [Fact]
    public async Task A_malformed_or_absent_token_is_refused_before_dialling()
    {
        var dir = Cluster.DataDirectory("w");
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            ClusterSetup.JoinAsync(dir, "", Cluster.Endpoint, "worker-1", IPAddress.Loopback));
        Assert.StartsWith("join token is malformed", e.Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public async Task A_malformed_token_sent_anyway_is_refused_by_the_manager()
    {
        var stream = await ChannelDialer.ConnectAsync(Cluster.Endpoint, ChannelTls.JoinClient(), TimeSpan.FromSeconds(5), CancellationToken.None);
        await using var connection = new ClientConnection(stream, Cluster.Endpoint);
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest("worker-1");
        key.Dispose();
        var e = await Assert.ThrowsAsync<ClusterRemoteException>(() => connection.CallAsync(JoinMethods.Join,
            ChannelJson.ToElement(new JoinRequest("SWMTKN-1-nope", csr, "worker-1", "127.0.0.1")), CancellationToken.None));
        Assert.Contains("join refused: the join token is malformed", e.Message);
        Assert.Empty(Cluster.Joined);
    }

    [Fact]
    public async Task Join_saves_the_identity_0600_and_it_loads_back_after_a_restart()
    {
        var dir = Cluster.DataDirectory("worker");
        using (var joined = await ClusterSetup.JoinAsync(dir, Token.Text, Cluster.Endpoint, "worker-1", IPAddress.Parse("198.51.100.30")))
        {
            Assert.True(ClusterSetup.IsMember(dir));
            Assert.False(ClusterSetup.IsManager(dir));
            Assert.Equal(Cluster.Endpoint, ClusterSetup.LoadManagerEndpoint(dir));
            foreach (var file in Directory.GetFiles(dir))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            using var loaded = NodeIdentity.Load(dir);
            Assert.Equal((joined.NodeId, joined.NodeName, joined.Address), (loaded.NodeId, loaded.NodeName, loaded.Address));
            var answer = await Cluster.Client(loaded).CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("back"));
            Assert.Equal(joined.NodeId, answer.CallerNodeId);
        }
        var again = await Assert.ThrowsAsync<ClusterException>(() =>
            ClusterSetup.JoinAsync(dir, Token.Text, Cluster.Endpoint, "worker-1", IPAddress.Loopback));
        Assert.Contains("already holds cluster credentials", again.Message);
    }

    [Fact]
    public async Task The_manager_state_loads_back_after_a_restart_with_the_same_token()
    {
        var dir = Cluster.DataDirectory("manager");
        using var loaded = ClusterSetup.LoadManager(dir);
        Assert.Equal(Token.Text, loaded.Token.Text);
        Assert.Equal(Cluster.Credentials.Ca.Digest, loaded.Ca.Digest);
        Assert.Equal(Cluster.Credentials.Identity.NodeId, loaded.Identity.NodeId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, ClusterSetup.TokenFile)));
        var e = Assert.Throws<ClusterException>(() => ClusterSetup.Init(dir, "manager-1", IPAddress.Loopback));
        Assert.Contains("already holds cluster credentials", e.Message);
    }

    [Fact]
    public async Task A_member_renews_its_certificate_keeping_its_identity()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        using var renewed = await JoinClient.RenewAsync(Cluster.Client(worker), worker);
        Assert.Equal((worker.NodeId, worker.NodeName, worker.Address), (renewed.NodeId, renewed.NodeName, renewed.Address));
        Assert.NotEqual(worker.Certificate.SerialNumber, renewed.Certificate.SerialNumber);
        Assert.NotEqual(worker.Certificate.GetPublicKeyString(), renewed.Certificate.GetPublicKeyString());
        await using var client = new ClusterClient(renewed, Cluster.Endpoint);
        Assert.Equal(worker.NodeId, (await client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("r"))).CallerNodeId);
    }

    [Fact]
    public void The_manager_renews_its_own_certificate_from_its_CA()
    {
        var dir = Cluster.DataDirectory("manager");
        using var renewed = ClusterSetup.RenewManagerIdentity(dir, Cluster.Credentials, validity: TimeSpan.FromDays(3));
        Assert.Equal(Cluster.Credentials.Identity.NodeId, renewed.NodeId);
        Assert.NotEqual(Cluster.Credentials.Identity.Certificate.SerialNumber, renewed.Certificate.SerialNumber);
        using var loaded = NodeIdentity.Load(dir);
        Assert.Equal(renewed.Certificate.SerialNumber, loaded.Certificate.SerialNumber);
        Assert.True(Cluster.Credentials.Ca.Trust.Verify(loaded.Certificate, DateTimeOffset.UtcNow, out var reason), reason);
    }

    [Fact]
    public async Task The_manager_logs_refusals_but_never_a_secret_or_a_key()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var wrong = JoinToken.Create(Cluster.Credentials.Ca.Digest);
        await Assert.ThrowsAsync<ClusterRemoteException>(() => JoinClient.JoinAsync(Cluster.Endpoint, wrong, "worker-2", IPAddress.Loopback));

        var lines = Cluster.Log.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("join refused: the join token's secret is wrong", StringComparison.Ordinal));
        foreach (var secret in new[] { Token.Text.Split('-')[^1], wrong.Text.Split('-')[^1] })
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }
}
