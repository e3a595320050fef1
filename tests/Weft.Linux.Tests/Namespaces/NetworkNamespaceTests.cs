using System.Net;
using System.Net.Sockets;
using Weft.Linux.Namespaces;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Namespaces;

public sealed class NetworkNamespaceTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip")]
    public void Create_makes_a_namespace_that_ip_sees_and_Delete_removes_it()
    {
        var name = _ns.Name("a");
        Assert.DoesNotContain(name, Ip.NamespaceNames());

        NetworkNamespace.Create(name);

        Assert.Contains(name, Ip.NamespaceNames());
        Assert.True(NetworkNamespace.Exists(name));
        Assert.Contains(name, NetworkNamespace.List());
        Assert.Equal(["lo"], Ip.LinkNames(name)); // a fresh, separate network stack

        NetworkNamespace.Delete(name);

        Assert.DoesNotContain(name, Ip.NamespaceNames());
        Assert.False(NetworkNamespace.Exists(name));
    }

    [RootFact("ip")]
    public void Run_executes_the_delegate_inside_the_namespace_on_a_thread_of_its_own()
    {
        var name = _ns.Create("a");
        var expected = Ip.Exec(name, "readlink", "/proc/self/ns/net").EnsureSuccess("readlink").StdOut.Trim();
        var caller = Environment.CurrentManagedThreadId;

        var (inside, thread) = NetworkNamespace.Run(name, () =>
            (new FileInfo("/proc/thread-self/ns/net").LinkTarget, Environment.CurrentManagedThreadId));

        Assert.Equal(expected, inside);
        Assert.NotEqual(caller, thread);
        Assert.NotEqual(expected, new FileInfo("/proc/thread-self/ns/net").LinkTarget); // caller untouched
    }

    [RootFact("ip", "ss")]
    public void A_socket_opened_inside_stays_there_when_used_from_another_thread()
    {
        var name = _ns.Create("a");
        using var socket = NetworkNamespace.OpenSocket(name, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound on this (test) thread
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        var listening = Ip.Exec(name, "ss", "-H", "-u", "-l", "-n").EnsureSuccess("ss").StdOut;
        Assert.Contains($"127.0.0.1:{port}", listening);
        Assert.DoesNotContain($"127.0.0.1:{port} ", Tool.Run("ss", "-H", "-u", "-l", "-n").StdOut);

        using var sender = NetworkNamespace.OpenSocket(name, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SendTo([1, 2, 3], new IPEndPoint(IPAddress.Loopback, port));
        var buffer = new byte[16];
        socket.ReceiveTimeout = 2000;
        Assert.Equal(3, socket.Receive(buffer));
    }

    [RootFact]
    public void Creating_an_existing_namespace_fails_naming_it_and_leaves_it_intact()
    {
        var name = _ns.Create("a");
        var e = Assert.Throws<LinuxException>(() => NetworkNamespace.Create(name));
        Assert.Equal(Errno.EEXIST, e.ErrorNumber);
        Assert.Contains($"'{name}'", e.Message);
        Assert.Contains("EEXIST", e.Message);
        Assert.Contains(name, Ip.NamespaceNames());
        Assert.Equal(["lo"], Ip.LinkNames(name));
    }

    [RootFact]
    public void Deleting_a_missing_namespace_fails_naming_it()
    {
        var name = _ns.Name("none");
        var e = Assert.Throws<LinuxException>(() => NetworkNamespace.Delete(name));
        Assert.Equal(Errno.ENOENT, e.ErrorNumber);
        Assert.Contains($"'{name}'", e.Message);
        Assert.False(NetworkNamespace.DeleteIfExists(name));
    }

    [RootFact]
    public void Running_in_a_namespace_that_vanished_fails_naming_it()
    {
        var name = _ns.Create("gone");
        NetworkNamespace.Delete(name);
        var e = Assert.Throws<LinuxException>(() => NetworkNamespace.Run(name, () => 1));
        Assert.Equal(Errno.ENOENT, e.ErrorNumber);
        Assert.Contains($"'{name}'", e.Message);
    }

    [Fact]
    public void Names_that_are_not_plain_file_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => NetworkNamespace.PathOf("a/b"));
        Assert.Throws<ArgumentException>(() => NetworkNamespace.PathOf(".."));
        Assert.Throws<ArgumentException>(() => NetworkNamespace.PathOf(""));
    }
}
