using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Makaretu.Dns;

namespace Weft.Dns.Tests;

/// <summary>Names that are not the containers' go to the upstream resolvers.</summary>
public sealed class ForwardingTests
{
    [Fact]
    public async Task Query_and_answer_are_relayed_byte_for_byte()
    {
        using var upstream = FakeUpstream.Knowing("example.org", "192.0.2.10");
        await using var server = Containers.Server(new DnsServerOptions { Upstreams = [upstream.EndPoint] });
        var query = MakaretuClient.Query("example.org", DnsType.A).ToByteArray();

        var answer = await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, query);

        Assert.Equal(query, Assert.Single(upstream.Received));
        Assert.Equal(Assert.Single(upstream.Sent), answer);
        Assert.Equal(1, server.Counters.Forwarded);
    }

    [Fact]
    public async Task A_silent_upstream_is_abandoned_after_the_timeout_for_the_next_one()
    {
        using var silent = FakeUpstream.Silent();
        using var good = FakeUpstream.Knowing("example.org", "192.0.2.10");
        await using var server = Containers.Server(new DnsServerOptions
        {
            Upstreams = [silent.EndPoint, good.EndPoint],
            UpstreamTimeout = TimeSpan.FromMilliseconds(300),
        });
        var clock = Stopwatch.StartNew();
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("example.org", DnsType.A));
        Assert.Equal(IPAddress.Parse("192.0.2.10"), Assert.IsType<ARecord>(Assert.Single(answer.Answers)).Address);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Single(silent.Received);
    }

    [Fact]
    public async Task When_no_upstream_answers_the_client_gets_SERVFAIL_with_its_id()
    {
        using var silent = FakeUpstream.Silent();
        await using var server = Containers.Server(new DnsServerOptions
        {
            Upstreams = [silent.EndPoint],
            UpstreamTimeout = TimeSpan.FromMilliseconds(200),
        });
        var query = MakaretuClient.Query("example.org", DnsType.A);
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, query);
        Assert.Equal(MessageStatus.ServerFailure, answer.Status);
        Assert.Equal(query.Id, answer.Id);
        Assert.Equal("example.org", Assert.Single(answer.Questions).Name.ToString());
        Assert.Equal(1, server.Counters.ServFail);
        Assert.Equal(0, server.Counters.Forwarded);
    }

    [Fact]
    public async Task An_upstream_port_that_refuses_fails_over_without_waiting_for_the_timeout()
    {
        var closed = ClosedUdpPort();
        await using var server = Containers.Server(new DnsServerOptions
        {
            Upstreams = [closed],
            UpstreamTimeout = TimeSpan.FromSeconds(10),
        });
        var clock = Stopwatch.StartNew();
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("example.org", DnsType.A));
        Assert.Equal(MessageStatus.ServerFailure, answer.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}: the ICMP refusal was not noticed");
    }

    [Fact]
    public async Task A_stray_datagram_with_another_id_is_not_taken_for_the_answer()
    {
        using var liar = new FakeUpstream(query =>
        {
            var wrong = query.CreateResponse();
            wrong.Id = (ushort)(query.Id + 1);
            return wrong;
        });
        await using var server = Containers.Server(new DnsServerOptions
        {
            Upstreams = [liar.EndPoint],
            UpstreamTimeout = TimeSpan.FromMilliseconds(300),
        });
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("example.org", DnsType.A));
        Assert.Equal(MessageStatus.ServerFailure, answer.Status);
    }

    [Fact]
    public async Task Beyond_the_forwarding_limit_queries_get_SERVFAIL_at_once()
    {
        using var silent = FakeUpstream.Silent();
        await using var server = Containers.Server(new DnsServerOptions
        {
            Upstreams = [silent.EndPoint],
            UpstreamTimeout = TimeSpan.FromSeconds(3),
            MaxConcurrentForwards = 1,
        });
        var first = MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("one.example", DnsType.A));
        await WaitUntil(() => silent.Received.Count == 1);
        var clock = Stopwatch.StartNew();
        var second = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("two.example", DnsType.A));
        Assert.Equal(MessageStatus.ServerFailure, second.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Equal(MessageStatus.ServerFailure, (await first).Status);
        Assert.Single(silent.Received);
    }

    [Fact]
    public async Task A_failing_name_lookup_is_answered_SERVFAIL_not_silence()
    {
        await using var server = EmbeddedDnsServer.StartOnLoopback(new ThrowingLookup());
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("container-a", DnsType.A));
        Assert.Equal(MessageStatus.ServerFailure, answer.Status);
        Assert.Equal(1, server.Counters.ServFail);
    }

    [Fact]
    public async Task Unknown_reverse_names_are_forwarded()
    {
        using var upstream = FakeUpstream.Knowing("nothing", "192.0.2.1");
        await using var server = Containers.Server(new DnsServerOptions { Upstreams = [upstream.EndPoint] });
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("9.0.0.10.in-addr.arpa", DnsType.PTR));
        Assert.Equal(MessageStatus.NameError, answer.Status);
        Assert.Single(upstream.Received);
    }

    private sealed class ThrowingLookup : INameLookup
    {
        public bool TryResolve(string name, out IReadOnlyList<IPAddress> addresses) =>
            throw new InvalidOperationException("store unavailable");

        public bool TryReverse(IPAddress address, out string name) =>
            throw new InvalidOperationException("store unavailable");
    }

    private static IPEndPoint ClosedUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (IPEndPoint)probe.LocalEndPoint!; // closed again when disposed: the kernel answers ICMP port unreachable
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
            await Task.Delay(20);
        Assert.True(condition());
    }
}
