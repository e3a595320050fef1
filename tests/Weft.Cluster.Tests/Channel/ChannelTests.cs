using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Weft.Cluster.Channel;
using Weft.Cluster.Pki;

namespace Weft.Cluster.Tests.Channel;

/// <summary>The mutual-TLS channel with real sockets on 127.0.0.1.</summary>
public sealed class ChannelTests : ClusterTest
{
    /// <summary>Dials with arbitrary client credentials (or none) and trusts any server, like an outsider would.</summary>
    private async Task<ClusterException> CallAsOutsider(X509Certificate2? clientCertificate)
    {
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = ChannelTls.ClusterServerName,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ApplicationProtocols = [ChannelTls.Protocol],
        };
        if (clientCertificate is not null)
            tls.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true);
        return await Assert.ThrowsAnyAsync<ClusterException>(async () =>
        {
            var stream = await ChannelDialer.ConnectAsync(Cluster.Endpoint, tls, TimeSpan.FromSeconds(5), CancellationToken.None);
            await using var connection = new ClientConnection(stream, Cluster.Endpoint);
            await connection.CallAsync("test.echo", ChannelJson.ToElement(new EchoRequest("let me in")), CancellationToken.None);
        });
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(condition(), "condition not reached within 5 s");
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_the_cluster_CA_gets_answers_and_is_known_by_its_id()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var client = Cluster.Client(worker);
        var answer = await client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("hello"));
        Assert.Equal(new EchoResponse("hello", worker.NodeId), answer);
        Assert.Equal(1, Cluster.HandlerCalls);
    }

    [Fact]
    public async Task Concurrent_calls_share_one_connection_and_each_gets_its_own_answer()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var client = Cluster.Client(worker);
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest($"m{i}"))));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), answers.Select(a => a.Text));
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_before_any_request_is_served()
    {
        var e = await CallAsOutsider(null);
        Assert.Matches("TLS handshake with .* failed|refused this node", e.Message);
        Assert.Equal(0, Cluster.HandlerCalls);
        await Eventually(() => Cluster.Log.Lines.Any(l => l.Contains("client presented no certificate", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_client_with_a_self_signed_certificate_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Cluster.Credentials.Identity.NodeId, key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var e = await CallAsOutsider(selfSigned);
        Assert.Matches("TLS handshake with .* failed|refused this node", e.Message);
        Assert.Equal(0, Cluster.HandlerCalls);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_another_CA_is_refused()
    {
        using var otherCa = ClusterCa.Create();
        var (key, csr) = NodeIdentity.NewKeyAndSigningRequest("intruder");
        using (key)
        {
            using var issued = otherCa.IssueNodeCertificate(csr, "intruder-id", "intruder", IPAddress.Loopback);
            using var intruder = NodeIdentity.FromIssued(key, issued, otherCa.Certificate);
            var e = await CallAsOutsider(intruder.Certificate);
            Assert.Matches("TLS handshake with .* failed|refused this node", e.Message);
            await Eventually(() => Cluster.Log.Lines.Any(l => l.Contains("'CN=intruder-id' does not chain to the cluster CA", StringComparison.Ordinal)));

            // Also through the normal client: it additionally refuses the manager's certificate (not from its CA).
            await using var client = new ClusterClient(intruder, Cluster.Endpoint);
            var refused = await Assert.ThrowsAnyAsync<ClusterException>(() =>
                client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("x")));
            Assert.Contains("TLS handshake with", refused.Message);
        }
        Assert.Equal(0, Cluster.HandlerCalls);
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_certificate_is_not_from_its_cluster_CA()
    {
        await using var other = TestCluster.Start();
        using var worker = await Cluster.JoinAsync("worker-1");
        await using var client = new ClusterClient(worker, other.Endpoint);
        var e = await Assert.ThrowsAnyAsync<ClusterException>(() =>
            client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("x")));
        Assert.Contains("TLS handshake with", e.Message);
        Assert.Equal(0, other.HandlerCalls);
    }

    [Fact]
    public async Task A_join_connection_reaches_only_the_join_methods()
    {
        var stream = await ChannelDialer.ConnectAsync(Cluster.Endpoint, ChannelTls.JoinClient(), TimeSpan.FromSeconds(5), CancellationToken.None);
        await using var connection = new ClientConnection(stream, Cluster.Endpoint);
        var e = await Assert.ThrowsAsync<ClusterRemoteException>(() =>
            connection.CallAsync("test.echo", ChannelJson.ToElement(new EchoRequest("x")), CancellationToken.None));
        Assert.Contains("method 'test.echo' needs a node certificate", e.Message);
        var store = await Assert.ThrowsAsync<ClusterRemoteException>(() =>
            connection.CallAsync("store.list", ChannelJson.ToElement(new { prefix = "" }), CancellationToken.None));
        Assert.Contains("needs a node certificate", store.Message);
        Assert.Equal(0, Cluster.HandlerCalls);
    }

    [Fact]
    public async Task Streams_push_items_and_a_cancelled_stream_stops_on_the_server()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var client = Cluster.Client(worker);
        var finite = new List<int>();
        await foreach (var i in client.StreamAsync<CountRequest, int>("test.count", new CountRequest(5)))
            finite.Add(i);
        Assert.Equal([1, 2, 3, 4, 5], finite);

        using var cts = new CancellationTokenSource();
        var endless = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var i in client.StreamAsync<CountRequest, int>("test.count", new CountRequest(0), cts.Token))
            {
                endless.Add(i);
                if (i == 3)
                    cts.Cancel();
            }
        });
        Assert.Equal([1, 2, 3], endless);
        await Eventually(() => Cluster.ActiveStreams == 0);

        // The connection is still good for other calls.
        Assert.Equal("after", (await client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("after"))).Text);
    }

    [Fact]
    public async Task An_unknown_method_is_a_clear_remote_error()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var client = Cluster.Client(worker);
        var e = await Assert.ThrowsAsync<ClusterRemoteException>(() =>
            client.CallAsync<EchoRequest, EchoResponse>("no.such", new EchoRequest("x")));
        Assert.Equal("cluster call 'no.such' failed on the remote node: unknown method 'no.such'", e.Message);
    }

    [Fact]
    public async Task A_client_reconnects_after_the_server_restarts()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var client = Cluster.Client(worker);
        Assert.Equal("one", (await client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("one"))).Text);
        var endpoint = Cluster.Endpoint;
        await Cluster.Server.DisposeAsync();
        var down = await Assert.ThrowsAnyAsync<ClusterException>(() =>
            client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("two")));
        Assert.Contains(endpoint.ToString(), down.Message);
    }

    [Fact]
    public async Task Nothing_listening_is_a_one_line_connect_error()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var unused = (IPEndPoint)probe.LocalEndpoint;
        probe.Stop();
        await using var client = new ClusterClient(worker, unused);
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("x")));
        Assert.Equal($"cluster channel connect to {unused} failed: ConnectionRefused (errno 111)", e.Message);
    }

    [Fact]
    public async Task The_channel_negotiates_TLS_1_3_with_the_weft_protocol()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        var tls = ChannelTls.Client(worker, TimeProvider.System, _ => { });
        await using var stream = await ChannelDialer.ConnectAsync(Cluster.Endpoint, tls, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls13, stream.SslProtocol);
        Assert.Equal(ChannelTls.Protocol, stream.NegotiatedApplicationProtocol);
        Assert.True(stream.IsMutuallyAuthenticated);
    }

    [Fact]
    public async Task A_connection_that_never_starts_TLS_is_dropped_after_the_handshake_timeout()
    {
        await using var cluster = TestCluster.Start(handshakeTimeout: TimeSpan.FromMilliseconds(300));
        using var raw = new System.Net.Sockets.TcpClient();
        await raw.ConnectAsync(cluster.Endpoint);
        var buffer = new byte[16];
        var read = raw.GetStream().ReadAsync(buffer).AsTask();
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))) == read, "server kept an idle, unauthenticated connection open");
        Assert.Equal(0, await read);
    }

    [Fact]
    public async Task A_removed_node_is_refused_although_its_certificate_is_still_valid()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        Cluster.Removed.Add(worker.NodeId);
        await using var client = new ClusterClient(worker, Cluster.Endpoint);
        var e = await Assert.ThrowsAnyAsync<ClusterException>(() =>
            client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("x")));
        Assert.Matches("TLS handshake with .* failed|refused this node", e.Message);
        Assert.Equal(0, Cluster.HandlerCalls);
    }

    [Fact]
    public async Task A_call_without_an_answer_times_out_with_a_message_and_the_connection_stays_usable()
    {
        using var worker = await Cluster.JoinAsync("worker-1");
        await using var client = new ClusterClient(worker, Cluster.Endpoint, callTimeout: TimeSpan.FromMilliseconds(300));
        var e = await Assert.ThrowsAsync<ClusterException>(() =>
            client.CallAsync<EchoRequest, EchoResponse>("test.hang", new EchoRequest("x")));
        Assert.Equal($"cluster call 'test.hang' to {Cluster.Endpoint} failed: no answer within 0.3 s", e.Message);
        await Eventually(() => Cluster.ActiveHangs == 0); // the caller's cancel reached the server's handler
        Assert.Equal("ok", (await client.CallAsync<EchoRequest, EchoResponse>("test.echo", new EchoRequest("ok"))).Text);
    }

    [Fact]
    public void By_default_a_node_listens_on_its_certified_underlay_address_port_7946()
    {
        var options = ChannelOptions.ForNode(Cluster.Credentials.Identity);
        Assert.Equal(new IPEndPoint(Cluster.Credentials.Identity.Address, 7946), options.Listen);
        Assert.Equal(7946, ChannelOptions.DefaultPort);
        Assert.Equal(7999, ChannelOptions.ForNode(Cluster.Credentials.Identity, 7999).Listen.Port);
    }
}
