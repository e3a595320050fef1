using System.Net.Sockets;
using Weft.Linux.Native;

namespace Weft.Linux.Namespaces;

/// <summary>
/// Named network namespaces, made exactly the way iproute2's <c>ip netns add/del</c> makes them, so
/// <c>ip netns exec</c>, <c>ip -n</c> and Weft see the same namespaces.
///
/// Design note: a named namespace is a bind mount of a namespace file onto <c>/run/netns/NAME</c>;
/// <c>/run/netns</c> itself is made a shared mount (bind-mounted onto itself first if needed), as
/// iproute2 does, so the names propagate to other mount namespaces. A namespace is entered with
/// <c>setns</c>, which changes only the calling thread; therefore every piece of work inside a
/// namespace runs on a dedicated new thread that exits afterwards — never on a thread-pool thread,
/// which would leak the namespace into unrelated work. Sockets and TAP fds created on such a thread
/// stay bound to that namespace for good and may be used from any thread afterwards.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where iproute2 keeps named namespaces.</summary>
    public const string Directory = "/run/netns";

    /// <summary>Creates the named namespace like <c>ip netns add NAME</c>. Throws if it exists.</summary>
    public static void Create(string name)
    {
        var path = PathOf(name);
        EnsureSharedDirectory();
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new LinuxException("create", $"network namespace '{name}' ({path})", Libc.Errno);
        Libc.Close(fd);
        try
        {
            OnDedicatedThread(() =>
            {
                if (Libc.Unshare(Libc.CLONE_NEWNET) != 0)
                    throw new LinuxException("unshare(CLONE_NEWNET)", $"network namespace '{name}'", Libc.Errno);
                if (Libc.Mount($"/proc/self/task/{Libc.GetTid()}/ns/net", path, "none", Libc.MS_BIND, IntPtr.Zero) != 0)
                    throw new LinuxException("mount --bind", $"network namespace '{name}' ({path})", Libc.Errno);
                return true;
            });
        }
        catch
        {
            Libc.Unlink(path); // no half-made state: the name goes when the namespace could not be made
            throw;
        }
    }

    /// <summary>Deletes the named namespace like <c>ip netns del NAME</c>. Throws if it does not exist.</summary>
    public static void Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
            throw new LinuxException("delete", $"network namespace '{name}' ({path})", Errno.ENOENT);
        if (Libc.Umount2(path, Libc.MNT_DETACH) != 0 && Libc.Errno != Errno.EINVAL)
            throw new LinuxException("umount2", $"network namespace '{name}' ({path})", Libc.Errno);
        if (Libc.Unlink(path) != 0)
            throw new LinuxException("unlink", $"network namespace '{name}' ({path})", Libc.Errno);
    }

    /// <summary>Deletes the namespace if it exists; returns whether it did.</summary>
    public static bool DeleteIfExists(string name)
    {
        if (!Exists(name)) return false;
        try
        {
            Delete(name);
            return true;
        }
        catch (LinuxException e) when (e.ErrorNumber == Errno.ENOENT)
        {
            return false;
        }
    }

    public static bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>Names of all named namespaces, sorted.</summary>
    public static IReadOnlyList<string> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.GetFiles(Directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Runs <paramref name="action"/> inside the namespace on a dedicated new thread (which exits
    /// afterwards) and returns its result; exceptions are rethrown on the caller.
    /// <paramref name="name"/> null means the caller's current namespace (still on a new thread).
    /// The delegate must be synchronous: continuations of an async delegate would run on pool threads
    /// outside the namespace. Objects it creates (sockets, TAP fds, netlink sockets) stay in the namespace.
    /// </summary>
    public static T Run<T>(string? name, Func<T> action)
    {
        if (name is null) return OnDedicatedThread(action);
        using var handle = Open(name);
        return OnDedicatedThread(() =>
        {
            if (Libc.SetNs(handle.Fd, Libc.CLONE_NEWNET) != 0)
                throw new LinuxException("setns", $"network namespace '{name}'", Libc.Errno);
            return action();
        });
    }

    public static void Run(string? name, Action action) => Run(name, () => { action(); return true; });

    /// <summary>Creates a socket inside the namespace; it stays there and may be used from any thread.</summary>
    public static Socket OpenSocket(string? name, AddressFamily family, SocketType type, ProtocolType protocol) =>
        Run(name, () => new Socket(family, type, protocol));

    /// <summary>Opens the namespace file (for setns or IFLA_NET_NS_FD). Throws naming the namespace if it does not exist.</summary>
    public static NamespaceHandle Open(string name)
    {
        var path = PathOf(name);
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new LinuxException("open", $"network namespace '{name}' ({path})", Libc.Errno);
        return new NamespaceHandle(fd, name);
    }

    /// <summary>Opens this process's own network namespace (its main thread's: <c>/proc/self/ns/net</c>).</summary>
    public static NamespaceHandle OpenOwn()
    {
        var fd = Libc.Open("/proc/self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw new LinuxException("open", "this process's network namespace (/proc/self/ns/net)", Libc.Errno);
        return new NamespaceHandle(fd, "this process's");
    }

    /// <summary>
    /// Validates a namespace name the way iproute2 does (a plain file name) and returns its path under /run/netns. An
    /// absolute path (a runtime's namespace, e.g. CNI's <c>CNI_NETNS</c>: <c>/run/netns/…</c> or <c>/proc/PID/ns/net</c>)
    /// stands for itself, so every operation here also takes a namespace a runtime made wherever it made it.
    /// </summary>
    public static string PathOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith('/') && !name.Contains('\0') && Path.IsPathFullyQualified(name)) return name;
        if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\0') || name.Length > 255)
            throw new ArgumentException($"network namespace name '{name}' is not a valid file name", nameof(name));
        return Path.Combine(Directory, name);
    }

    private static void EnsureSharedDirectory()
    {
        if (Libc.Mkdir(Directory, 0x1ed) != 0 && Libc.Errno != Errno.EEXIST)
            throw new LinuxException("mkdir", $"'{Directory}'", Libc.Errno);
        // Make /run/netns a shared mount; when it is not a mount point yet (EINVAL), bind it onto itself first.
        for (var attempt = 0; ; attempt++)
        {
            if (Libc.Mount("", Directory, "none", Libc.MS_SHARED | Libc.MS_REC, IntPtr.Zero) == 0) return;
            var errno = Libc.Errno;
            if (errno != Errno.EINVAL || attempt > 0)
                throw new LinuxException("mount --make-rshared", $"'{Directory}'", errno);
            if (Libc.Mount(Directory, Directory, "none", Libc.MS_BIND | Libc.MS_REC, IntPtr.Zero) != 0)
                throw new LinuxException("mount --bind", $"'{Directory}'", Libc.Errno);
        }
    }

    /// <summary>
    /// Threads the runtime starts (thread-pool workers and its gate thread, the socket engine's epoll thread, timers) inherit
    /// the network namespace of the thread that happens to start them. Call this from a thread in the process's own
    /// namespace before the first <see cref="Run{T}"/>, so that the runtime's threads are all started there and none is
    /// started by a thread inside another namespace (where its sockets would land, e.g. in a scratch namespace that is then
    /// deleted).
    /// </summary>
    public static void StartRuntimeThreadsHere()
    {
        Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => Task.Run(() => Thread.Sleep(1)))).GetAwaiter().GetResult();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Any, 0));
        using var cancel = new CancellationTokenSource();
        var receive = socket.ReceiveAsync(new byte[1], SocketFlags.None, cancel.Token).AsTask();
        cancel.Cancel();
        try
        {
            receive.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        using var timer = new Timer(_ => { }, null, 1, Timeout.Infinite);
    }

    private static T OnDedicatedThread<T>(Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = action(); }
            catch (Exception e) { failure = e; }
        })
        {
            IsBackground = true,
            Name = "weft-netns",
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result;
    }
}
