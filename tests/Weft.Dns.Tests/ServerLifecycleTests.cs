using System.Net;
using System.Net.Sockets;
using Makaretu.Dns;

namespace Weft.Dns.Tests;

public sealed class ServerLifecycleTests
{
    [Fact]
    public async Task Serves_on_a_socket_the_caller_created_and_bound()
    {
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var server = new EmbeddedDnsServer(udp, Containers.Lookup());
        server.Start();
        Assert.Null(server.TcpEndPoint);
        var answer = await MakaretuClient.AskUdpAsync((IPEndPoint)udp.LocalEndPoint!, MakaretuClient.Query("container-a", DnsType.A));
        Assert.Single(answer.Answers);
    }

    [Fact]
    public void An_unbound_or_stream_socket_is_refused()
    {
        using var unbound = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.Throws<ArgumentException>(() => new EmbeddedDnsServer(unbound, Containers.Lookup()));
        using var stream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Throws<ArgumentException>(() => new EmbeddedDnsServer(stream, Containers.Lookup()));
    }

    [Fact]
    public async Task Starting_twice_is_an_error()
    {
        await using var server = Containers.Server();
        Assert.Throws<InvalidOperationException>(() => server.Start());
    }

    [Fact]
    public async Task Dispose_stops_promptly_and_frees_the_port()
    {
        var server = Containers.Server();
        var endpoint = server.LocalEndPoint;
        var disposing = server.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(5000)));
        await disposing;

        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        again.Bind(endpoint); // would throw AddressAlreadyInUse if the server still held it
        Assert.Null(await MakaretuClient.ExchangeUdpAsync(endpoint, MakaretuClient.Query("container-a", DnsType.A).ToByteArray(), 200));
        await server.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task Cancelling_the_start_token_stops_serving()
    {
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var server = new EmbeddedDnsServer(udp, Containers.Lookup());
        using var cts = new CancellationTokenSource();
        server.Start(cts.Token);
        var query = MakaretuClient.Query("container-a", DnsType.A).ToByteArray();
        Assert.NotNull(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, query));
        await cts.CancelAsync();
        await Task.Delay(100);
        Assert.Null(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, query, 300));
        Assert.Equal(1, server.Counters.Queries);
    }

    [Fact]
    public async Task An_idle_TCP_client_is_closed_after_the_idle_timeout()
    {
        await using var server = Containers.Server(new DnsServerOptions { TcpIdleTimeout = TimeSpan.FromMilliseconds(200) });
        using var client = new TcpClient();
        await client.ConnectAsync(server.TcpEndPoint!);
        using var cts = new CancellationTokenSource(5000);
        Assert.Equal(0, await client.GetStream().ReadAsync(new byte[4], cts.Token));
    }

    [Fact]
    public async Task Dispose_while_a_query_waits_for_an_upstream_ends_cleanly()
    {
        using var silent = FakeUpstream.Silent();
        var server = Containers.Server(new DnsServerOptions { Upstreams = [silent.EndPoint], UpstreamTimeout = TimeSpan.FromSeconds(30) });
        var pending = MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, MakaretuClient.Query("slow.example", DnsType.A).ToByteArray(), 1000);
        for (var i = 0; i < 100 && silent.Received.Count == 0; i++)
            await Task.Delay(20);
        var disposing = server.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(5000)));
        Assert.Null(await pending); // the socket is gone: no answer, and no exception anywhere
    }
}
