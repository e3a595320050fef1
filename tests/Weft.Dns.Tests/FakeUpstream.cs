using System.Net;
using System.Net.Sockets;
using Makaretu.Dns;

namespace Weft.Dns.Tests;

/// <summary>
/// A tiny upstream resolver on 127.0.0.1 built on Makaretu: answers each UDP query with what
/// <c>respond</c> returns (null: stays silent), and records what it received and sent.
/// </summary>
internal sealed class FakeUpstream : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Func<Message, Message?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeUpstream(Func<Message, Message?> respond)
    {
        _respond = respond;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;
    public List<byte[]> Received { get; } = [];
    public List<byte[]> Sent { get; } = [];

    /// <summary>An upstream that knows one name and answers NXDOMAIN for the rest, with a marker TTL.</summary>
    public static FakeUpstream Knowing(string name, string address) => new(query =>
    {
        var response = query.CreateResponse();
        response.RD = query.RD;
        response.RA = true;
        var question = query.Questions[0];
        if (question.Name.ToString().Equals(name, StringComparison.OrdinalIgnoreCase) && question.Type == DnsType.A)
        {
            var record = AddressRecord.Create(question.Name, IPAddress.Parse(address));
            record.TTL = TimeSpan.FromSeconds(1234);
            response.Answers.Add(record);
        }
        else
        {
            response.Status = MessageStatus.NameError;
        }
        return response;
    });

    public static FakeUpstream Silent() => new(_ => null);

    private async Task LoopAsync()
    {
        var buffer = new byte[ushort.MaxValue];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                var bytes = buffer[..r.ReceivedBytes];
                lock (Received) Received.Add(bytes);
                var query = new Message();
                query.Read(bytes);
                if (_respond(query) is not { } response)
                    continue;
                var raw = response.ToByteArray();
                lock (Sent) Sent.Add(raw);
                await _socket.SendToAsync(raw, SocketFlags.None, r.RemoteEndPoint, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
