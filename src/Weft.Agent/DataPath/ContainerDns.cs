using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Weft.Control.Reconcile;
using Weft.Dns;
using Weft.Linux.Namespaces;

namespace Weft.Agent.DataPath;

/// <summary>
/// One embedded DNS server per local container, listening on 127.0.0.11:53 inside the container's namespace (the
/// sockets are made on a thread inside that namespace, then served from anywhere), plus the container's
/// /etc/netns/&lt;ns&gt;/resolv.conf so that <c>ip netns exec</c> (and so <c>weft exec</c>) resolve through it.
/// Names the container cannot see are forwarded to the host's resolvers (from /etc/resolv.conf, loopback ones skipped).
/// </summary>
public sealed class ContainerDns(ILoggerFactory loggers) : IDisposable
{
    private readonly Dictionary<string, (EmbeddedDnsServer Server, ContainerNames Names)> _servers = new();
    private readonly DnsServerOptions _options = new() { Upstreams = ResolvConf.Load().UpstreamEndpoints() };
    private (EmbeddedDnsServer Server, ContainerNames Names)? _host;

    /// <summary>Starts the container's server if needed and gives it the names it may resolve now.</summary>
    public void Ensure(string containerNamespace, IEnumerable<VisibleName> names)
    {
        lock (_servers)
        {
            if (!_servers.TryGetValue(containerNamespace, out var entry))
            {
                var listen = new IPEndPoint(ResolvConf.EmbeddedServerAddress, 53);
                var udp = NetworkNamespace.OpenSocket(containerNamespace, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                var tcp = NetworkNamespace.OpenSocket(containerNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    udp.Bind(listen);
                    tcp.Bind(listen);
                    tcp.Listen(64);
                }
                catch
                {
                    udp.Dispose();
                    tcp.Dispose();
                    throw;
                }
                var lookup = new ContainerNames();
                var server = new EmbeddedDnsServer(udp, lookup, _options, tcp, loggers.CreateLogger<EmbeddedDnsServer>());
                server.Start();
                entry = (server, lookup);
                _servers[containerNamespace] = entry;
                WriteResolvConf(containerNamespace);
            }
            entry.Names.Update(names);
        }
    }

    /// <summary>
    /// Serves, on <paramref name="address"/>:53 in the agent's own (the host's) namespace, the names that other runtimes'
    /// containers of this host may resolve: Docker's embedded DNS answers its own daemon's containers and forwards other
    /// names to the resolvers of the resolv.conf dockerd reads, dialling a loopback one from the host's namespace, so with
    /// this address listed there Docker containers resolve containers of other hosts. Names Weft does not know are
    /// forwarded to the host's resolvers (never to this address itself). Started on first use.
    /// </summary>
    public void EnsureHost(IPAddress address, IEnumerable<VisibleName> names)
    {
        lock (_servers)
        {
            if (_host is null)
            {
                var listen = new IPEndPoint(address, 53);
                var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    udp.Bind(listen);
                    tcp.Bind(listen);
                    tcp.Listen(64);
                }
                catch
                {
                    udp.Dispose();
                    tcp.Dispose();
                    throw;
                }
                var lookup = new ContainerNames();
                var options = _options with { Upstreams = [.. _options.Upstreams.Where(u => !u.Address.Equals(address))] };
                var server = new EmbeddedDnsServer(udp, lookup, options, tcp, loggers.CreateLogger<EmbeddedDnsServer>());
                server.Start();
                _host = (server, lookup);
            }
            _host.Value.Names.Update(names);
        }
    }

    /// <summary>Stops the container's server and removes its resolv.conf.</summary>
    public void Remove(string containerNamespace)
    {
        lock (_servers)
        {
            if (_servers.Remove(containerNamespace, out var entry)) entry.Server.Dispose();
            var dir = Path.Combine("/etc/netns", containerNamespace);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    public IReadOnlyCollection<string> Namespaces
    {
        get
        {
            lock (_servers) return _servers.Keys.ToList();
        }
    }

    public void Dispose()
    {
        lock (_servers)
        {
            foreach (var (server, _) in _servers.Values) server.Dispose();
            _servers.Clear();
            _host?.Server.Dispose();
            _host = null;
        }
    }

    private static void WriteResolvConf(string containerNamespace)
    {
        var dir = Path.Combine("/etc/netns", containerNamespace);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), ResolvConf.ForContainer().Format());
    }
}
