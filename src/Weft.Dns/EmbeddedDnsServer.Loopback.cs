using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Weft.Dns;

public sealed partial class EmbeddedDnsServer
{
    /// <summary>
    /// For tests and tools: binds UDP and TCP on 127.0.0.1 at one ephemeral port and starts a server
    /// there. Production code gives the server sockets opened in the container's namespace instead.
    /// </summary>
    public static EmbeddedDnsServer StartOnLoopback(INameLookup lookup, DnsServerOptions? options = null, ILogger? logger = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                tcp.Bind(udp.LocalEndPoint!); // same port number for both, like a real resolver
                var server = new EmbeddedDnsServer(udp, lookup, options, tcp, logger);
                server.Start();
                return server;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 20)
            {
                udp.Dispose();
                tcp.Dispose();
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
        }
    }
}
