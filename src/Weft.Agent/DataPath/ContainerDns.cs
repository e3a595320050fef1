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
    private readonly Dictionary<string, (EmbeddedDnsServer Server, ContainerNames Names)> _runtimeNamespaces = new();
    private (EmbeddedDnsServer Server, ContainerNames Names)? _host;

    /// <summary>Starts the container's server if needed and gives it the names it may resolve now.</summary>
    public void Ensure(string containerNamespace, IEnumerable<VisibleName> names)
    {
        lock (_servers)
        {
            if (!_servers.TryGetValue(containerNamespace, out var entry))
            {
                entry = Start(containerNamespace, ResolvConf.EmbeddedServerAddress, _options);
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
            _host ??= Start(null, address, _options with { Upstreams = [.. _options.Upstreams.Where(u => !u.Address.Equals(address))] });
            _host.Value.Names.Update(names);
        }
    }

    /// <summary>
    /// Serves <paramref name="names"/> on 127.0.0.11:53 inside a namespace another runtime made (a CNI container's, by path),
    /// whose resolv.conf that runtime writes from the CNI result; its loopback must be up. Started on first use.
    /// </summary>
    public void EnsureInNamespace(string namespacePath, IEnumerable<VisibleName> names)
    {
        lock (_servers)
        {
            if (!_runtimeNamespaces.TryGetValue(namespacePath, out var entry))
            {
                entry = Start(namespacePath, ResolvConf.EmbeddedServerAddress, _options);
                _runtimeNamespaces[namespacePath] = entry;
            }
            entry.Names.Update(names);
        }
    }

    /// <summary>Stops the servers of runtimes' namespaces not in <paramref name="namespacePaths"/> (their containers left).</summary>
    public void RetainNamespaces(IReadOnlySet<string> namespacePaths)
    {
        lock (_servers)
        {
            foreach (var gone in _runtimeNamespaces.Keys.Where(p => !namespacePaths.Contains(p)).ToList())
            {
                _runtimeNamespaces.Remove(gone, out var entry);
                entry.Server.Dispose();
            }
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
            foreach (var (server, _) in _servers.Values.Concat(_runtimeNamespaces.Values)) server.Dispose();
            _servers.Clear();
            _runtimeNamespaces.Clear();
            _host?.Server.Dispose();
            _host = null;
        }
    }

    /// <summary>A server on <paramref name="address"/>:53 (UDP and TCP) in namespace <paramref name="ns"/> (null: the agent's own), started.</summary>
    private (EmbeddedDnsServer Server, ContainerNames Names) Start(string? ns, IPAddress address, DnsServerOptions options)
    {
        var listen = new IPEndPoint(address, 53);
        var udp = NetworkNamespace.OpenSocket(ns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var tcp = NetworkNamespace.OpenSocket(ns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
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
        var server = new EmbeddedDnsServer(udp, lookup, options, tcp, loggers.CreateLogger<EmbeddedDnsServer>());
        server.Start();
        return (server, lookup);
    }

    private static void WriteResolvConf(string containerNamespace)
    {
        var dir = Path.Combine("/etc/netns", containerNamespace);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), ResolvConf.ForContainer().Format());
    }
}
