using System.Buffers.Binary;
using System.Net.Sockets;
using Weft.Linux.Namespaces;
using Weft.Linux.Native;

namespace Weft.Linux.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket with request/response matching by sequence number. .NET refuses
/// <c>new Socket(AF_NETLINK…)</c>, so the fd comes from libc <c>socket()</c> (made on a thread inside
/// the wanted namespace) and is wrapped in a <see cref="Socket"/> for send/receive.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[256 * 1024];
    private readonly Lock _gate = new();
    private uint _sequence = (uint)Environment.TickCount;

    private NetlinkSocket(Socket socket, string where)
    {
        _socket = socket;
        Where = where;
    }

    /// <summary>"namespace 'x'" or "current namespace", for messages.</summary>
    public string Where { get; }

    public static NetlinkSocket Open(string? namespaceName)
    {
        var where = namespaceName is null ? "current namespace" : $"namespace '{namespaceName}'";
        var socket = NetworkNamespace.Run(namespaceName, () =>
        {
            var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
            if (fd < 0) throw new LinuxException("socket(AF_NETLINK)", where, Libc.Errno);
            return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        });
        try
        {
            socket.SetRawSocketOption(Rtm.SOL_NETLINK, Rtm.NETLINK_CAP_ACK, BitConverter.GetBytes(1));
            socket.SetRawSocketOption(Rtm.SOL_NETLINK, Rtm.NETLINK_EXT_ACK, BitConverter.GetBytes(1));
            socket.ReceiveTimeout = 5000;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new NetlinkSocket(socket, where);
    }

    /// <summary>
    /// Sends the request and collects every reply message (type + body after the nlmsghdr) until the
    /// ack (requests) or NLMSG_DONE (dumps). An NLMSG_ERROR with a non-zero errno becomes a
    /// <see cref="LinuxException"/> naming the message type and <paramref name="subject"/>.
    /// </summary>
    public List<(ushort Type, ReadOnlyMemory<byte> Body)> Request(NetlinkMessageWriter request, string subject)
    {
        var dump = (request.Flags & Rtm.NLM_F_DUMP) == Rtm.NLM_F_DUMP;
        var operation = Rtm.Name(request.Type);
        lock (_gate)
        {
            var sequence = ++_sequence;
            var message = request.Finish(sequence);
            try
            {
                _socket.Send(message.Span);
            }
            catch (SocketException e)
            {
                throw new LinuxException(operation, subject, e.ErrorCode == 0 ? Errno.ENOBUFS : (int)e.SocketErrorCode, $"send failed in {Where}: {e.Message}");
            }
            var replies = new List<(ushort, ReadOnlyMemory<byte>)>();
            while (true)
            {
                int received;
                try
                {
                    received = _socket.Receive(_receiveBuffer);
                }
                catch (SocketException e)
                {
                    throw new LinuxException(operation, subject, Errno.ETIMEDOUT, $"no reply from the kernel in {Where}: {e.Message}");
                }
                var offset = 0;
                while (offset + 16 <= received)
                {
                    var span = _receiveBuffer.AsSpan(offset, received - offset);
                    var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                    var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
                    var seq = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                    if (length < 16 || length > span.Length) break;
                    var body = _receiveBuffer.AsMemory(offset + 16, length - 16);
                    offset += NetlinkMessageWriter.Align(length);
                    if (seq != sequence) continue; // a stale reply to an earlier, abandoned request
                    if (type == Rtm.NLMSG_ERROR)
                    {
                        var errno = -BinaryPrimitives.ReadInt32LittleEndian(body.Span);
                        if (errno == 0) return replies;
                        throw new LinuxException(operation, subject, errno, ExtendedAckMessage(body, flags));
                    }
                    if (type == Rtm.NLMSG_DONE)
                    {
                        if (dump) return replies;
                        continue;
                    }
                    replies.Add((type, body.ToArray()));
                }
            }
        }
    }

    private static string? ExtendedAckMessage(ReadOnlyMemory<byte> body, ushort flags)
    {
        if ((flags & Rtm.NLM_F_ACK_TLVS) == 0 || body.Length < 20) return null;
        // nlmsgerr: int error; struct nlmsghdr msg (+ payload unless capped); then attributes.
        var embedded = (int)BinaryPrimitives.ReadUInt32LittleEndian(body.Span[4..]);
        var attributesAt = 4 + ((flags & Rtm.NLM_F_CAPPED) != 0 ? 16 : NetlinkMessageWriter.Align(embedded));
        if (attributesAt > body.Length) return null;
        return NetlinkAttributes.Parse(body[attributesAt..]).String(Rtm.NLMSGERR_ATTR_MSG);
    }

    public void Dispose() => _socket.Dispose();
}
