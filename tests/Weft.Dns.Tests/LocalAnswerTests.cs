using System.Net;
using Makaretu.Dns;

namespace Weft.Dns.Tests;

/// <summary>Local answers read back with the Makaretu message model as the client.</summary>
public sealed class LocalAnswerTests
{
    [Fact]
    public async Task A_answer_carries_the_query_id_question_ttl_and_flags()
    {
        await using var server = Containers.Server();
        var query = MakaretuClient.Query("container-a", DnsType.A);
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, query);

        Assert.Equal(query.Id, answer.Id);
        Assert.True(answer.QR);
        Assert.True(answer.AA);
        Assert.True(answer.RD);
        Assert.True(answer.RA);
        Assert.Equal(MessageStatus.NoError, answer.Status);
        var question = Assert.Single(answer.Questions);
        Assert.Equal("container-a", question.Name.ToString());
        var record = Assert.IsType<ARecord>(Assert.Single(answer.Answers));
        Assert.Equal(IPAddress.Parse("10.0.0.2"), record.Address);
        Assert.Equal(TimeSpan.FromSeconds(600), record.TTL);
    }

    [Fact]
    public async Task PTR_answer_names_the_container()
    {
        await using var server = Containers.Server();
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint,
            MakaretuClient.Query("3.0.0.10.in-addr.arpa", DnsType.PTR));
        var record = Assert.IsType<PTRRecord>(Assert.Single(answer.Answers));
        Assert.Equal("container-b", record.DomainName.ToString());
        Assert.True(answer.AA);
    }

    [Fact]
    public async Task Other_types_for_a_known_name_are_NOERROR_with_no_answer()
    {
        await using var server = Containers.Server();
        foreach (var type in new[] { DnsType.AAAA, DnsType.MX, DnsType.TXT })
        {
            var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("container-b", type));
            Assert.Equal(MessageStatus.NoError, answer.Status);
            Assert.Empty(answer.Answers);
            Assert.True(answer.AA);
        }
    }

    [Fact]
    public async Task The_lookup_receives_lower_case_names_without_the_trailing_dot()
    {
        var lookup = Containers.Lookup();
        await using var server = EmbeddedDnsServer.StartOnLoopback(lookup);
        await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("Container-A.App-Overlay.", DnsType.A));
        Assert.Equal(["container-a.app-overlay"], lookup.Asked);
    }

    [Fact]
    public async Task Answers_over_TCP_match_those_over_UDP()
    {
        await using var server = Containers.Server();
        var answer = await MakaretuClient.AskTcpAsync(server.TcpEndPoint!, MakaretuClient.Query("web", DnsType.A));
        Assert.Equal(["10.0.0.4", "10.0.0.5"],
            answer.Answers.OfType<ARecord>().Select(a => a.Address.ToString()).Order().ToArray());
    }

    [Fact]
    public async Task Many_concurrent_queries_are_all_answered_and_counted()
    {
        await using var server = Containers.Server();
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query(i % 2 == 0 ? "container-a" : "container-b", DnsType.A))));
        Assert.All(answers, a => Assert.Single(a.Answers));
        Assert.Equal(new DnsServerCounters(Queries: 50, AnsweredLocally: 50, Forwarded: 0, ServFail: 0, Malformed: 0, NotImplemented: 0),
            server.Counters);
    }
}
