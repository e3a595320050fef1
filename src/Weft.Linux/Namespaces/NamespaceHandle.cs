using Weft.Linux.Native;

namespace Weft.Linux.Namespaces;

/// <summary>An open fd on a named network namespace (for setns or moving links with IFLA_NET_NS_FD).</summary>
public sealed class NamespaceHandle : IDisposable
{
    private int _fd;

    internal NamespaceHandle(int fd, string name)
    {
        _fd = fd;
        Name = name;
    }

    public string Name { get; }

    public int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException($"network namespace '{Name}'");

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Libc.Close(fd);
    }
}
