using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Weft.DataPlane.Offload;
using Weft.DataPlane.Seams;
using Weft.Linux;
using Weft.Linux.Namespaces;

namespace Weft.DataPlane.Devices;

/// <summary>
/// <see cref="IUnderlay"/> over a UDP socket created and bound inside a host's network namespace.
/// Receive waits (poll, short slices so cancellation and Dispose end it) for the first datagram and
/// then takes every datagram already queued without blocking. Sender and destination addresses go
/// through one reused <see cref="SocketAddress"/> each, so the per-packet path does not allocate.
/// Send failures (unreachable, no buffer) drop the packet and are counted, never thrown.
/// With <see cref="OffloadSettings.Enabled"/> the batched path of UdpUnderlay.Batched.cs is used instead:
/// sendmmsg/recvmmsg, UDP GSO and UDP GRO where the kernel has them (see <see cref="Features"/>).
/// With source ports (UdpUnderlay.SourcePorts.cs) datagrams leave from a pool of send-only sockets picked by the
/// packet's flow hash, so the outer UDP source port varies per inner flow as RFC 7348 asks; otherwise they leave from
/// the listening socket.
/// </summary>
public sealed partial class UdpUnderlay : IUnderlay
{
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(50);
    private readonly Socket _socket;
    private readonly SocketAddress _receiveAddress;
    private readonly SocketAddress _sendAddress;
    private readonly bool _ipv6;
    private volatile bool _disposed;
    private long _sendDrops;
    private long _receiveErrors;

    /// <summary>
    /// Creates the socket inside <paramref name="namespaceName"/> (null: the current namespace) and binds it to
    /// <paramref name="localAddress"/>:<paramref name="port"/> (0: any free port); with <paramref name="sourcePorts"/> &gt; 0
    /// also that many send-only sockets on free ports of the same address, one per outer source port.
    /// Failures are <see cref="LinuxException"/>s naming the call, the endpoint, the namespace and the errno, e.g.
    /// <c>bind UDP underlay 198.51.100.1:4789 in network namespace 'h1': Address already in use (EADDRINUSE)</c>; a namespace
    /// that does not exist (or vanished) fails with <see cref="NetworkNamespace.Open"/>'s error (<c>open network namespace 'h1' …: ENOENT</c>).
    /// </summary>
    public UdpUnderlay(string? namespaceName, IPAddress localAddress, int port, OffloadSettings? offloads = null, int sourcePorts = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourcePorts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sourcePorts, MaxSourcePorts);
        _ipv6 = localAddress.AddressFamily == AddressFamily.InterNetworkV6;
        _socket = NetworkNamespace.OpenSocket(namespaceName, localAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(new IPEndPoint(localAddress, port));
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw BindFailed("UDP underlay", namespaceName, new IPEndPoint(localAddress, port), e);
        }
        LocalEndpoint = PeerEndpoint.From((IPEndPoint)_socket.LocalEndPoint!);
        _receiveAddress = new SocketAddress(localAddress.AddressFamily);
        _sendAddress = new SocketAddress(localAddress.AddressFamily);
        try
        {
            _senders = OpenSenders(namespaceName, localAddress, sourcePorts, offloads?.Enabled == true);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        if (offloads?.Enabled == true) EnableBatching();
    }

    public PeerEndpoint LocalEndpoint { get; }

    /// <summary>A failed bind as the rest of Weft.Linux reports it: on Linux a SocketException's native code is the errno.</summary>
    private static LinuxException BindFailed(string what, string? namespaceName, IPEndPoint endpoint, SocketException e)
    {
        var where = namespaceName is null ? "the current network namespace" : $"network namespace '{namespaceName}'";
        return new LinuxException("bind", $"{what} {endpoint} in {where}", e.NativeErrorCode);
    }

    /// <summary>Packets the kernel refused to send (or with a peer of the wrong family).</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    /// <summary>Receive calls that failed (e.g. a queued ICMP error).</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    public int Receive(Span<PacketBuffer> packets, CancellationToken cancellationToken)
    {
        if (packets.IsEmpty) return 0;
        if (_batching is not null) return ReceiveBatched(packets, cancellationToken);
        try
        {
            while (true)
            {
                while (!_socket.Poll(PollSlice, SelectMode.SelectRead))
                {
                    if (_disposed || cancellationToken.IsCancellationRequested) return 0;
                }
                var count = Drain(packets);
                if (count > 0 || _disposed || cancellationToken.IsCancellationRequested) return count;
            }
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>Takes datagrams until the batch is full or none is queued (the first is known to be ready).</summary>
    private int Drain(Span<PacketBuffer> packets)
    {
        var count = 0;
        do
        {
            var packet = packets[count];
            packet.Reset();
            int length;
            try
            {
                length = _socket.ReceiveFrom(packet.Writable, SocketFlags.None, _receiveAddress);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _receiveErrors);
                break;
            }
            packet.SetLength(length);
            packet.Peer = ReadPeer(_receiveAddress.Buffer.Span);
            count++;
        }
        while (count < packets.Length && _socket.Available > 0);
        return count;
    }

    public void Send(ReadOnlySpan<PacketBuffer> packets)
    {
        if (_batching is not null)
        {
            SendBatched(packets);
            return;
        }
        lock (_sendAddress) // one destination sockaddr for all senders (each network's reader, probes)
        {
            SendPlain(packets);
        }
    }

    private void SendPlain(ReadOnlySpan<PacketBuffer> packets)
    {
        foreach (var packet in packets)
        {
            if (!WritePeer(packet.Peer, _sendAddress.Buffer.Span))
            {
                Interlocked.Increment(ref _sendDrops);
                continue;
            }
            try
            {
                SenderFor(packet.SourcePort).SendTo(packet.Data, SocketFlags.None, _sendAddress);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Interlocked.Increment(ref _sendDrops);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _socket.Dispose();
        foreach (var sender in _senders) sender.Dispose();
        _batching?.Dispose();
    }

    // sockaddr_in: family(2) port(2, big-endian) addr(4); sockaddr_in6: family(2) port(2) flowinfo(4) addr(16) scope(4)
    private PeerEndpoint ReadPeer(ReadOnlySpan<byte> sockaddr)
    {
        var port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
        return _ipv6 ? new PeerEndpoint(sockaddr.Slice(8, 16), port) : new PeerEndpoint(sockaddr.Slice(4, 4), port);
    }

    private bool WritePeer(PeerEndpoint peer, Span<byte> sockaddr)
    {
        if (peer.IsEmpty || (!_ipv6 && !peer.IsIPv4)) return false;
        BinaryPrimitives.WriteUInt16BigEndian(sockaddr[2..], peer.Port);
        if (!_ipv6)
        {
            peer.WriteAddress(sockaddr.Slice(4, 4));
            return true;
        }
        sockaddr.Slice(4, 4).Clear();
        var address = sockaddr.Slice(8, 16);
        if (peer.IsIPv4)
        {
            address[..10].Clear();
            address[10] = 0xff;
            address[11] = 0xff;
            peer.WriteAddress(address[12..]);
        }
        else
        {
            peer.WriteAddress(address);
        }
        return true;
    }
}
