// Design note — Weft's embedded DNS resolver (the 127.0.0.11 of Docker's embedded DNS).
//
// One server per container. The agent opens the sockets inside the container's network
// namespace (127.0.0.11:53, UDP and optionally TCP) through the Linux layer and hands them
// over; this library never opens its listening sockets itself, so it needs no namespace code
// and is tested on 127.0.0.1 without root. Names are answered from the container's point of
// view through INameLookup (the agent implements it over its store): A/AAAA for container
// names (TTL 600, AA set, like Docker), PTR for container addresses. Every other question is
// relayed byte for byte to the upstream resolvers (the host's resolv.conf, minus loopback
// resolvers) from the agent's namespace, and their answer returned unchanged; when none is
// configured or none answers in time the client gets SERVFAIL at once, never silence.
//
// DNS messages are parsed and built with Makaretu.Dns (a maintained message model with a
// wire serializer); nothing here encodes DNS by hand. The only hand-written framing is
// the 2-byte length prefix of DNS over TCP. Bad input never escapes the receive loops:
// it is answered FORMERR when its header is readable, otherwise dropped, and counted.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Weft.Dns;

/// <summary>
/// A DNS resolver for one container, serving on sockets it is given (and then owns).
/// Call <see cref="Start"/>; dispose to stop (closes the sockets, ends the loops).
/// </summary>
public sealed partial class EmbeddedDnsServer : IDisposable, IAsyncDisposable
{
    private const int MaxTcpConnections = 32;

    private readonly Socket _udp;
    private readonly Socket? _tcp;
    private readonly DnsServerOptions _options;
    private readonly DnsQueryProcessor _processor;
    private readonly DnsCounterSet _counters = new();
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private CancellationTokenRegistration _external;
    private int _tcpConnections;
    private int _state; // 0 new, 1 started, 2 disposed

    /// <param name="udpSocket">A bound UDP socket (e.g. 127.0.0.11:53 in the container's namespace).</param>
    /// <param name="lookup">The names this container can see.</param>
    /// <param name="options">Upstreams, timeouts, search domains; defaults when null.</param>
    /// <param name="tcpListener">Optionally a bound TCP socket on the same address, for DNS over TCP.</param>
    /// <param name="logger">Debug logging of drops and upstream failures.</param>
    public EmbeddedDnsServer(
        Socket udpSocket, INameLookup lookup, DnsServerOptions? options = null, Socket? tcpListener = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(udpSocket);
        ArgumentNullException.ThrowIfNull(lookup);
        if (udpSocket.SocketType != SocketType.Dgram || udpSocket.LocalEndPoint is null)
            throw new ArgumentException("embedded DNS: the UDP socket must be a bound datagram socket", nameof(udpSocket));
        if (tcpListener is not null && (tcpListener.SocketType != SocketType.Stream || tcpListener.LocalEndPoint is null))
            throw new ArgumentException("embedded DNS: the TCP socket must be a bound stream socket", nameof(tcpListener));
        options ??= new DnsServerOptions();
        _udp = udpSocket;
        _tcp = tcpListener;
        _logger = logger ?? NullLogger.Instance;
        _processor = new DnsQueryProcessor(
            new LocalAnswerer(lookup, options), new UpstreamForwarder(options, _logger), options, _counters, _logger);
        _options = options;
    }

    /// <summary>The UDP address the server answers on.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.LocalEndPoint!;

    /// <summary>The TCP address, when a TCP socket was given.</summary>
    public IPEndPoint? TcpEndPoint => (IPEndPoint?)_tcp?.LocalEndPoint;

    /// <summary>A consistent-enough snapshot of the counters (each value read atomically).</summary>
    public DnsServerCounters Counters => _counters.Snapshot();

    /// <summary>Starts the receive loop(s). Once only. Cancelling <paramref name="cancellationToken"/> stops
    /// serving as Dispose does, except that the sockets stay open until Dispose.</summary>
    public void Start(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException($"embedded DNS on {LocalEndPoint}: already started or disposed");
        _external = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _stop);
        _loops.Add(Task.Run(ReceiveUdpLoopAsync));
        if (_tcp is not null)
        {
            _tcp.Listen(MaxTcpConnections);
            _loops.Add(Task.Run(AcceptTcpLoopAsync));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
            return;
        await _external.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _udp.Dispose();
        _tcp?.Dispose();
        foreach (var loop in _loops)
            await loop.ConfigureAwait(false); // the loops end on cancellation; they never fault
        // _stop is not disposed: answers still in flight may read its token; it holds no timer or handle.
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ReceiveUdpLoopAsync()
    {
        var buffer = new byte[ushort.MaxValue];
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                EndPoint any = _udp.AddressFamily == AddressFamily.InterNetworkV6
                    ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (ct.IsCancellationRequested)
                    return;
                Log.ReceiveFailed(_logger, LocalEndPoint, $"{e.SocketErrorCode} (errno {e.ErrorCode})");
                continue;
            }
            _ = AnswerDatagramAsync(buffer[..received.ReceivedBytes], received.RemoteEndPoint, ct);
        }
    }

    private async Task AnswerDatagramAsync(byte[] query, EndPoint client, CancellationToken ct)
    {
        try
        {
            var answer = await _processor.ProcessAsync(query, DnsTransport.Udp, client, ct).ConfigureAwait(false);
            if (answer is not null)
                await _udp.SendToAsync(answer, SocketFlags.None, client, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // stopping
        }
        catch (SocketException e)
        {
            Log.SendFailed(_logger, client, $"{e.SocketErrorCode} (errno {e.ErrorCode})");
        }
        catch (Exception e)
        {
            Log.Unexpected(_logger, e, client); // a bug, but never one that stops the server
        }
    }
}
