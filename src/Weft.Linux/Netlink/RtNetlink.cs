namespace Weft.Linux.Netlink;

/// <summary>
/// An rtnetlink connection in one network namespace: links, addresses, routes, neighbour and bridge
/// FDB entries — the subset of <c>ip</c>/<c>bridge</c> that Weft needs.
///
/// Design note: there is no maintained netlink library for .NET, so this is hand-written and kept
/// small: a message writer (nlmsghdr + family header + aligned TLVs), an attribute reader, and a
/// socket that matches replies by sequence number and turns NLMSG_ERROR into a
/// <see cref="LinuxException"/> naming the message type, the object and errno (plus the kernel's
/// extended-ack text when it sends one). Creating requests use NLM_F_CREATE|NLM_F_EXCL so that
/// "already exists" is an error, replacing requests NLM_F_CREATE|NLM_F_REPLACE so a stale entry is
/// replaced and never left beside the new one. Every operation is checked in tests against
/// <c>ip -j</c> and <c>bridge -j</c> output.
/// </summary>
public sealed partial class RtNetlink : IDisposable
{
    private readonly NetlinkSocket _socket;

    private RtNetlink(NetlinkSocket socket, string? namespaceName)
    {
        _socket = socket;
        Namespace = namespaceName;
    }

    /// <summary>The namespace this connection works in (null: the namespace of the process at open time).</summary>
    public string? Namespace { get; }

    /// <summary>Opens a connection inside the named namespace, or in the current one when <paramref name="namespaceName"/> is null.</summary>
    public static RtNetlink Open(string? namespaceName = null) => new(NetlinkSocket.Open(namespaceName), namespaceName);

    public void Dispose() => _socket.Dispose();

    private List<(ushort Type, ReadOnlyMemory<byte> Body)> Send(NetlinkMessageWriter request, string subject) =>
        _socket.Request(request, Namespace is null ? subject : $"{subject} in namespace '{Namespace}'");
}
