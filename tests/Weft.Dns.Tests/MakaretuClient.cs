using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Makaretu.Dns;

namespace Weft.Dns.Tests;

/// <summary>A minimal DNS client over the Makaretu message model: the second independent client of the tests.</summary>
internal static class MakaretuClient
{
    private static int s_nextId = Random.Shared.Next(1, 60000);

    public static Message Query(string name, DnsType type) => new()
    {
        Id = (ushort)Interlocked.Increment(ref s_nextId),
        RD = true,
        Questions = { new Question { Name = name, Type = type, Class = DnsClass.IN } },
    };

    public static async Task<Message> AskUdpAsync(IPEndPoint server, Message query, int timeoutMs = 5000)
    {
        var raw = await ExchangeUdpAsync(server, query.ToByteArray(), timeoutMs)
            ?? throw new TimeoutException($"no UDP answer from {server} within {timeoutMs} ms");
        return Parse(raw);
    }

    /// <summary>Sends raw bytes and returns the raw answer, or null when none came within the timeout.</summary>
    public static async Task<byte[]?> ExchangeUdpAsync(IPEndPoint server, byte[] datagram, int timeoutMs = 5000)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        await socket.SendAsync(datagram, SocketFlags.None);
        var buffer = new byte[ushort.MaxValue];
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return buffer[..n];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static async Task<Message> AskTcpAsync(IPEndPoint server, Message query)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(5000);
        await socket.ConnectAsync(server, cts.Token);
        await using var stream = new NetworkStream(socket);
        var bytes = query.ToByteArray();
        var framed = new byte[bytes.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)bytes.Length);
        bytes.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cts.Token);
        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix, cts.Token);
        var answer = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await stream.ReadExactlyAsync(answer, cts.Token);
        return Parse(answer);
    }

    public static Message Parse(byte[] raw)
    {
        var message = new Message();
        message.Read(raw);
        return message;
    }
}
