using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Weft.Linux.Namespaces;

namespace Weft.Lab.Tests;

/// <summary>A TCP listener inside a container's namespace that counts and SHA-256-hashes everything one client sends.</summary>
public sealed class TcpSink : IDisposable
{
    private readonly Socket _listener;

    private TcpSink(Socket listener, CancellationToken cancellationToken)
    {
        _listener = listener;
        Received = Task.Run(async () =>
        {
            using var connection = await _listener.AcceptAsync(cancellationToken);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = await connection.ReceiveAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                total += n;
            }
            return (total, sha.GetHashAndReset());
        }, cancellationToken);
    }

    /// <summary>Bytes received and their SHA-256, once the client has shut its side down.</summary>
    public Task<(long Total, byte[] Sha256)> Received { get; }

    public static TcpSink Start(string containerNamespace, int port, CancellationToken cancellationToken)
    {
        var listener = NetworkNamespace.OpenSocket(containerNamespace, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, port));
        listener.Listen(1);
        return new TcpSink(listener, cancellationToken);
    }

    public void Dispose() => _listener.Dispose();
}
