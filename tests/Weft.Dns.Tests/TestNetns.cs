using System.Net.Sockets;
using Weft.Linux.Namespaces;
using Weft.TestSupport;

namespace Weft.Dns.Tests;

/// <summary>
/// A throw-away network namespace standing in for a container (root only): created with
/// `ip netns add`, loopback up, removed by exact name in Dispose together with its
/// /etc/netns/NAME directory (where `ip netns exec` finds the namespace's resolv.conf).
/// Stands in for the Linux layer, which will own namespace work in the agent.
/// </summary>
internal sealed class TestNetns : IDisposable
{
    public TestNetns()
    {
        Name = $"wt{Random.Shared.Next(0x10000):x4}-dns";
        Tool.Run("ip", "netns", "add", Name).EnsureSuccess($"ip netns add {Name}");
        try
        {
            Tool.Run("ip", "-n", Name, "link", "set", "lo", "up").EnsureSuccess($"ip -n {Name} link set lo up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public string EtcDirectory => Path.Combine("/etc/netns", Name);

    /// <summary>Creates a socket inside the namespace (Weft.Linux does it on a dedicated thread that setns()es and then ends;
    /// the socket stays in the namespace for good), as the agent does for 127.0.0.11:53.</summary>
    public Socket CreateSocket(SocketType type, ProtocolType protocol, System.Net.IPEndPoint bindTo)
    {
        var socket = NetworkNamespace.OpenSocket(Name, bindTo.AddressFamily, type, protocol);
        try
        {
            socket.Bind(bindTo);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void WriteResolvConf(ResolvConf conf)
    {
        Directory.CreateDirectory(EtcDirectory);
        File.WriteAllText(Path.Combine(EtcDirectory, "resolv.conf"), conf.Format());
    }

    public ToolResult Exec(params string[] command) =>
        Tool.Run("ip", ["netns", "exec", Name, .. command], TimeSpan.FromSeconds(20));

    public void Dispose()
    {
        Tool.Run("ip", "netns", "del", Name);
        if (Directory.Exists(EtcDirectory))
            Directory.Delete(EtcDirectory, recursive: true);
    }
}
