using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Weft.Dns;

/// <summary>
/// Relays a query, byte for byte, to the upstream resolvers in order and returns the first
/// answer that carries the query's id, unchanged. Each attempt uses a fresh socket (a new random
/// source port) and waits at most <see cref="DnsServerOptions.UpstreamTimeout"/>.
/// </summary>
internal sealed class UpstreamForwarder(DnsServerOptions options, ILogger logger)
{
    private int _inFlight;

    public bool HasUpstreams => options.Upstreams.Count > 0;

    /// <summary>The upstream's answer, or null when none answered in time (or too many are in flight).</summary>
    public async Task<byte[]?> ForwardAsync(byte[] query, ushort id, DnsTransport transport, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _inFlight) > options.MaxConcurrentForwards)
        {
            Interlocked.Decrement(ref _inFlight);
            return null;
        }
        try
        {
            foreach (var upstream in options.Upstreams)
            {
                using var timeout = new CancellationTokenSource(options.UpstreamTimeout, options.Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                try
                {
                    var answer = transport == DnsTransport.Udp
                        ? await ExchangeUdpAsync(upstream, query, id, linked.Token).ConfigureAwait(false)
                        : await ExchangeTcpAsync(upstream, query, id, linked.Token).ConfigureAwait(false);
                    if (answer is not null)
                        return answer;
                    Log.UpstreamFailed(logger, upstream, id, "closed without an answer");
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    Log.UpstreamFailed(logger, upstream, id, $"no answer within {options.UpstreamTimeout.TotalSeconds:0.###} s");
                }
                catch (SocketException e)
                {
                    Log.UpstreamFailed(logger, upstream, id, $"{e.SocketErrorCode} (errno {e.ErrorCode})");
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                    Log.UpstreamFailed(logger, upstream, id, e.Message);
                }
            }
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private Socket NewSocket(IPEndPoint upstream, ProtocolType protocol) =>
        options.UpstreamSocketFactory?.Invoke(upstream.AddressFamily, protocol)
        ?? new Socket(upstream.AddressFamily, protocol == ProtocolType.Udp ? SocketType.Dgram : SocketType.Stream, protocol);

    private async Task<byte[]?> ExchangeUdpAsync(IPEndPoint upstream, byte[] query, ushort id, CancellationToken ct)
    {
        using var socket = NewSocket(upstream, ProtocolType.Udp);
        // Connected: the kernel delivers only the upstream's datagrams, and reports its ICMP
        // "port unreachable" as ConnectionRefused so the next upstream is tried at once.
        await socket.ConnectAsync(upstream, ct).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, ct).ConfigureAwait(false);
        var buffer = new byte[ushort.MaxValue];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (IsAnswerTo(buffer.AsSpan(0, n), id))
                return buffer[..n];
            // A stray or spoofed datagram: keep waiting for the real answer until the timeout.
        }
    }

    private async Task<byte[]?> ExchangeTcpAsync(IPEndPoint upstream, byte[] query, ushort id, CancellationToken ct)
    {
        using var socket = NewSocket(upstream, ProtocolType.Tcp);
        await socket.ConnectAsync(upstream, ct).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await DnsTcpFraming.WriteAsync(stream, query, ct).ConfigureAwait(false);
        while (await DnsTcpFraming.ReadAsync(stream, ushort.MaxValue, ct).ConfigureAwait(false) is { } answer)
        {
            if (IsAnswerTo(answer, id))
                return answer;
        }
        return null;
    }

    private static bool IsAnswerTo(ReadOnlySpan<byte> message, ushort id) =>
        DnsHeader.TryRead(message, out var header) && header.QR && header.Id == id;
}
