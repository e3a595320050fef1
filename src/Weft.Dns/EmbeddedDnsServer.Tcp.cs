using System.Net;
using System.Net.Sockets;

namespace Weft.Dns;

public sealed partial class EmbeddedDnsServer
{
    private async Task AcceptTcpLoopAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp!.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (ct.IsCancellationRequested)
                    return;
                Log.ReceiveFailed(_logger, TcpEndPoint, $"{e.SocketErrorCode} (errno {e.ErrorCode})");
                continue;
            }
            if (Interlocked.Increment(ref _tcpConnections) > MaxTcpConnections)
            {
                Interlocked.Decrement(ref _tcpConnections);
                client.Dispose();
                continue;
            }
            _ = ServeTcpClientAsync(client, ct);
        }
    }

    /// <summary>Answers framed queries one after another until the client closes, idles, or misbehaves.</summary>
    private async Task ServeTcpClientAsync(Socket client, CancellationToken ct)
    {
        EndPoint? peer = null;
        try
        {
            peer = client.RemoteEndPoint;
            await using var stream = new NetworkStream(client, ownsSocket: false); // closed in finally, after counting
            while (true)
            {
                byte[]? query;
                using (var idle = new CancellationTokenSource(_options.TcpIdleTimeout, _options.Time))
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token))
                    query = await DnsTcpFraming.ReadAsync(stream, _options.MaxQuerySize, either.Token).ConfigureAwait(false);
                if (query is null)
                    return;
                var answer = await _processor.ProcessAsync(query, DnsTransport.Tcp, peer, ct).ConfigureAwait(false);
                if (answer is null)
                    return; // dropped: a TCP client gets the connection closed instead of silence
                await DnsTcpFraming.WriteAsync(stream, answer, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // idle timeout or stopping
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            Log.SendFailed(_logger, peer, e.Message);
        }
        catch (InvalidDataException e)
        {
            _counters.Query();
            _counters.Malformed();
            Log.Malformed(_logger, 0, peer, e.Message);
        }
        catch (Exception e)
        {
            Log.Unexpected(_logger, e, peer);
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _tcpConnections);
        }
    }
}
