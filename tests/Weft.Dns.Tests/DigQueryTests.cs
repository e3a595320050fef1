using System.Diagnostics;
using Weft.TestSupport;

namespace Weft.Dns.Tests;

/// <summary>The server queried by BIND's dig, an independent DNS client, over real sockets on 127.0.0.1.</summary>
public sealed class DigQueryTests
{
    [ToolFact("dig")]
    public async Task A_query_for_a_container_name_returns_its_address()
    {
        await using var server = Containers.Server();
        Assert.Equal(["10.0.0.3"], Dig.Short(server.LocalEndPoint, "container-b", "A"));
    }

    [ToolFact("dig")]
    public async Task Name_is_matched_case_insensitively_with_or_without_the_trailing_dot_or_network()
    {
        await using var server = Containers.Server(new DnsServerOptions { SearchDomains = ["corp.example"] });
        foreach (var name in new[] { "CONTAINER-B", "container-b.", "Container-B.app-overlay", "container-b.corp.example" })
            Assert.Equal(["10.0.0.3"], Dig.Short(server.LocalEndPoint, name, "A"));
    }

    [ToolFact("dig")]
    public async Task Local_answer_is_authoritative_with_ttl_600()
    {
        await using var server = Containers.Server();
        var output = Dig.Run(server.LocalEndPoint, "container-a", "A").EnsureSuccess("dig").StdOut;
        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Contains("aa", Dig.Flags(output));
        Assert.Contains("ra", Dig.Flags(output));
        Assert.Matches(@"(?m)^container-a\.\s+600\s+IN\s+A\s+10\.0\.0\.2$", output);
    }

    [ToolFact("dig")]
    public async Task A_container_with_two_addresses_gets_both()
    {
        await using var server = Containers.Server();
        Assert.Equal(["10.0.0.4", "10.0.0.5"], Dig.Short(server.LocalEndPoint, "web", "A").Order().ToArray());
    }

    [ToolFact("dig")]
    public async Task Reverse_query_for_a_container_address_returns_its_name()
    {
        await using var server = Containers.Server();
        Assert.Equal(["container-b."], Dig.Short(server.LocalEndPoint, "-x", "10.0.0.3"));
    }

    [ToolFact("dig")]
    public async Task AAAA_for_a_known_name_is_NOERROR_with_no_answer()
    {
        await using var server = Containers.Server();
        var output = Dig.Run(server.LocalEndPoint, "container-b", "AAAA").EnsureSuccess("dig").StdOut;
        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Contains("ANSWER: 0,", output);
    }

    [ToolFact("dig")]
    public async Task Unknown_name_without_upstream_is_SERVFAIL_promptly()
    {
        await using var server = Containers.Server();
        var clock = Stopwatch.StartNew();
        var output = Dig.Run(server.LocalEndPoint, "example.org", "A").EnsureSuccess("dig").StdOut;
        Assert.Equal("SERVFAIL", Dig.Status(output));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"SERVFAIL took {clock.Elapsed}");
        Assert.Equal(1, server.Counters.ServFail);
    }

    [ToolFact("dig")]
    public async Task Other_names_are_forwarded_and_the_upstream_answer_comes_back()
    {
        using var upstream = FakeUpstream.Knowing("example.org", "192.0.2.10");
        await using var server = Containers.Server(new DnsServerOptions { Upstreams = [upstream.EndPoint] });
        var output = Dig.Run(server.LocalEndPoint, "example.org", "A").EnsureSuccess("dig").StdOut;
        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Matches(@"(?m)^example\.org\.\s+1234\s+IN\s+A\s+192\.0\.2\.10$", output); // the upstream's TTL, untouched
        Assert.Equal("NXDOMAIN", Dig.Status(Dig.Run(server.LocalEndPoint, "nothing.example.org").StdOut));
        Assert.Equal(2, server.Counters.Forwarded);
        Assert.Equal(2, upstream.Received.Count);
    }

    [ToolFact("dig")]
    public async Task Queries_over_TCP_are_answered_locally_and_forwarded_over_TCP()
    {
        await using var upstream = EmbeddedDnsServer.StartOnLoopback(new FakeNameLookup().Add("far", "elsewhere", "192.0.2.20"));
        await using var server = Containers.Server(new DnsServerOptions { Upstreams = [upstream.TcpEndPoint!] });
        Assert.Equal(["10.0.0.2"], Dig.Short(server.TcpEndPoint!, "+tcp", "container-a"));
        Assert.Equal(["192.0.2.20"], Dig.Short(server.TcpEndPoint!, "+tcp", "far"));
        Assert.Equal(1, upstream.Counters.AnsweredLocally);
    }

    [ToolFact("dig")]
    public async Task Garbage_datagrams_do_not_stop_the_server()
    {
        await using var server = Containers.Server();
        Assert.Null(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, [0xde, 0xad, 0xbe], timeoutMs: 300));
        Assert.Equal(["10.0.0.3"], Dig.Short(server.LocalEndPoint, "container-b"));
        Assert.Equal(1, server.Counters.Malformed);
        Assert.Equal(1, server.Counters.AnsweredLocally);
    }
}
