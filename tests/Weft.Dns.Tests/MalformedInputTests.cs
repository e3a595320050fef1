using Makaretu.Dns;

namespace Weft.Dns.Tests;

/// <summary>Whatever arrives, the server answers with a code or drops and counts it, and keeps serving.</summary>
public sealed class MalformedInputTests
{
    [Fact]
    public async Task Fewer_bytes_than_a_header_are_dropped_and_counted()
    {
        await using var server = Containers.Server();
        Assert.Null(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, [1, 2, 3, 4, 5], timeoutMs: 300));
        Assert.Equal(1, server.Counters.Malformed);
        await AssertStillAnswers(server);
    }

    [Fact]
    public async Task A_readable_header_with_a_broken_body_gets_FORMERR_with_its_id()
    {
        await using var server = Containers.Server();
        // id 0xBEEF, RD, one question announced but the name is cut off after its length byte.
        byte[] cut = [0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x05, (byte)'a'];
        var raw = await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, cut);
        var answer = MakaretuClient.Parse(Assert.IsType<byte[]>(raw));
        Assert.Equal(0xBEEF, answer.Id);
        Assert.True(answer.QR);
        Assert.Equal(MessageStatus.FormatError, answer.Status);
        Assert.Equal(1, server.Counters.Malformed);
        await AssertStillAnswers(server);
    }

    [Fact]
    public async Task A_compression_pointer_to_nowhere_gets_FORMERR()
    {
        await using var server = Containers.Server();
        byte[] pointer = [0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0xC0, 0x30, 0x00, 0x01, 0x00, 0x01];
        var answer = MakaretuClient.Parse(Assert.IsType<byte[]>(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, pointer)));
        Assert.Equal(MessageStatus.FormatError, answer.Status);
        Assert.Equal(0x1234, answer.Id);
    }

    [Fact]
    public async Task A_query_with_two_questions_gets_FORMERR()
    {
        await using var server = Containers.Server();
        var query = MakaretuClient.Query("container-a", DnsType.A);
        query.Questions.Add(new Question { Name = "container-b", Type = DnsType.A });
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, query);
        Assert.Equal(MessageStatus.FormatError, answer.Status);
        Assert.Empty(answer.Answers);
    }

    [Fact]
    public async Task A_response_sent_to_the_server_is_dropped_never_answered()
    {
        await using var server = Containers.Server();
        var response = MakaretuClient.Query("container-a", DnsType.A);
        response.QR = true;
        Assert.Null(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, response.ToByteArray(), timeoutMs: 300));
        Assert.Equal(1, server.Counters.Malformed);
    }

    [Fact]
    public async Task An_unsupported_opcode_gets_NOTIMP()
    {
        await using var server = Containers.Server();
        var update = MakaretuClient.Query("container-a", DnsType.A);
        update.Opcode = MessageOperation.Update;
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, update);
        Assert.Equal(MessageStatus.NotImplemented, answer.Status);
        Assert.Equal(update.Id, answer.Id);
        Assert.Equal(1, server.Counters.NotImplemented);
    }

    [Fact]
    public async Task An_oversized_message_of_one_byte_labels_is_refused_without_harm()
    {
        await using var server = Containers.Server();
        // 12-byte header + 30000 one-byte labels: deep enough to hurt a recursive name parser.
        var big = new byte[12 + 60000 + 1];
        big[0] = 0x42; big[5] = 1;
        for (var i = 12; i < big.Length - 1; i += 2) { big[i] = 1; big[i + 1] = (byte)'x'; }
        var answer = MakaretuClient.Parse(Assert.IsType<byte[]>(await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, big)));
        Assert.Equal(MessageStatus.FormatError, answer.Status);
        await AssertStillAnswers(server);
    }

    [Fact]
    public async Task The_deepest_name_that_fits_the_size_limit_is_parsed_without_harm()
    {
        await using var server = Containers.Server();
        var options = new DnsServerOptions();
        var deep = new byte[options.MaxQuerySize];
        deep[0] = 0x43; deep[5] = 1;
        for (var i = 12; i < deep.Length - 5; i += 2) { deep[i] = 1; deep[i + 1] = (byte)'x'; }
        deep[^5] = 0; deep[^3] = 1; deep[^1] = 1; // root label, type A, class IN
        var raw = await MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, deep);
        Assert.NotNull(raw); // an answer of some kind (FORMERR for an over-long name, or SERVFAIL), not a crash
        Assert.Equal(0x43, MakaretuClient.Parse(raw).Id >> 8);
        await AssertStillAnswers(server);
    }

    [Fact]
    public async Task Random_bytes_never_stop_the_server()
    {
        await using var server = Containers.Server();
        var sent = 0;
        Gen.Byte.Array[0, 600].Sample(bytes =>
        {
            // No answer is also fine (drops); the point is the server survives every one of them.
            MakaretuClient.ExchangeUdpAsync(server.LocalEndPoint, bytes, timeoutMs: 50).GetAwaiter().GetResult();
            sent++;
        }, iter: 200);
        await AssertStillAnswers(server);
        Assert.Equal(sent + 1, server.Counters.Queries);
    }

    [Fact]
    public async Task A_TCP_client_announcing_a_huge_message_is_disconnected_and_the_server_keeps_serving()
    {
        await using var server = Containers.Server();
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(server.TcpEndPoint!);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0xFF, 0xFF, 1, 2, 3 });
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(5000);
        try
        {
            Assert.Equal(0, await stream.ReadAsync(buffer, cts.Token)); // closed by the server (FIN)...
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset })
        {
            // ...or reset, as the kernel does when it closes a socket with unread bytes
        }
        Assert.Equal(1, server.Counters.Malformed);
        var answer = await MakaretuClient.AskTcpAsync(server.TcpEndPoint!, MakaretuClient.Query("container-a", DnsType.A));
        Assert.Single(answer.Answers);
    }

    private static async Task AssertStillAnswers(EmbeddedDnsServer server)
    {
        var answer = await MakaretuClient.AskUdpAsync(server.LocalEndPoint, MakaretuClient.Query("container-b", DnsType.A));
        Assert.Single(answer.Answers);
    }
}
