using System.Net;
using System.Net.Sockets;
using Weft.Linux.Namespaces;
using Weft.Linux.Sockets;

namespace Weft.DataPlane.Devices;

/// <summary>
/// Per-flow outer source ports. RFC 7348 §5 recommends a source port from a hash of the inner flow so that ECMP in the
/// underlay spreads flows while one flow keeps one path. The kernel's vxlan device writes any port it likes into the
/// header; a userspace VTEP sending through UDP sockets can only send from ports it has bound. So the underlay holds a
/// pool of send-only sockets on free ports of the underlay address, and a packet leaves from the socket its flow hash
/// (<see cref="Seams.PacketBuffer.SourcePort"/>, filled by the VTEP) selects: every packet of a flow from one port,
/// different flows spread over the pool. Receiving stays on the listening socket (peers send to the VXLAN port); the
/// pool sockets carry a drop-everything filter so nothing queues on them. Raw sockets could write any port but lose
/// UDP GSO, which the fast path needs.
/// </summary>
public sealed partial class UdpUnderlay
{
    /// <summary>Most source ports an underlay holds.</summary>
    public const int MaxSourcePorts = 256;

    private readonly Socket[] _senders;

    /// <summary>The outer source ports datagrams leave from (empty: all from <see cref="LocalEndpoint"/>'s port).</summary>
    public IReadOnlyList<ushort> SourcePorts => _senders.Select(s => (ushort)((IPEndPoint)s.LocalEndPoint!).Port).ToList();

    /// <summary>The socket a packet with flow hash <paramref name="flowPort"/> leaves from.</summary>
    private Socket SenderFor(ushort flowPort) => _senders.Length == 0 || flowPort == 0 ? _socket : _senders[flowPort % _senders.Length];

    private static Socket[] OpenSenders(string? namespaceName, IPAddress localAddress, int count, bool largeBuffers)
    {
        var senders = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = NetworkNamespace.OpenSocket(namespaceName, localAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                senders.Add(socket);
                try
                {
                    socket.Bind(new IPEndPoint(localAddress, 0));
                }
                catch (SocketException e)
                {
                    throw BindFailed($"UDP source-port socket {i + 1} of {count}", namespaceName, new IPEndPoint(localAddress, 0), e);
                }
                SocketFilters.DropEverything(socket);
                if (largeBuffers) UdpOffloads.SetBuffers(socket, SocketBufferBytes);
            }
            return senders.ToArray();
        }
        catch
        {
            foreach (var socket in senders) socket.Dispose();
            throw;
        }
    }
}
