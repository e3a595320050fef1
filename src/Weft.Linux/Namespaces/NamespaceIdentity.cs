using System.Runtime.InteropServices;
using Weft.Linux.Native;

namespace Weft.Linux.Namespaces;

/// <summary>
/// Which namespace a namespace file (<c>/run/netns/NAME</c>, <c>/proc/PID/ns/net</c>) stands for: its device and inode as
/// <c>stat(2)</c> reports them. Two files are the same namespace exactly when both are equal (namespaces(7)), so a
/// process still in a namespace whose name was deleted and made anew is told apart from one in the new namespace.
/// </summary>
public readonly record struct NamespaceIdentity(ulong Device, ulong Inode)
{
    // st_dev and st_ino are the first two 64-bit fields of struct stat on x86-64 and on the generic layout (arm64);
    // the buffer is larger than struct stat on both.
    private const int StatBufferSize = 256;

    /// <summary>The namespace <paramref name="path"/> refers to; throws naming the file and errno (ENOENT when it is gone).</summary>
    public static unsafe NamespaceIdentity Of(string path)
    {
        if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
            throw new PlatformNotSupportedException($"reading struct stat on {RuntimeInformation.ProcessArchitecture}");
        var buffer = stackalloc byte[StatBufferSize];
        if (Libc.Stat(path, buffer) != 0)
            throw new LinuxException("stat", $"namespace file '{path}'", Libc.Errno);
        return new NamespaceIdentity(*(ulong*)buffer, *(ulong*)(buffer + 8));
    }

    /// <summary>The network namespace process <paramref name="pid"/> is in (<c>/proc/PID/ns/net</c>).</summary>
    public static NamespaceIdentity OfProcess(int pid) => Of($"/proc/{pid}/ns/net");

    /// <summary>The named network namespace (<c>/run/netns/NAME</c>).</summary>
    public static NamespaceIdentity OfNamed(string name) => Of(NetworkNamespace.PathOf(name));

    public override string ToString() => $"dev {Device} inode {Inode}";
}
