using System.Net;
using Weft.Cluster.Channel;
using Weft.Cluster.Join;
using Weft.Cluster.KeyDistribution;
using Weft.Cluster.Pki;
using Weft.Cluster.Store;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Cluster.Tests;

/// <summary>
/// A real manager on 127.0.0.1 (ephemeral port): credentials from <see cref="ClusterSetup.Init"/> in a temp dir, a
/// SQLite store, the join, store and key services, and a test method table ("test.echo", "test.count").
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private int _handlerCalls;

    private TestCluster(IClusterStore store, TimeSpan? handshakeTimeout)
    {
        Store = store;
        Credentials = ClusterSetup.Init(_dir.Sub("manager"), "manager-1", IPAddress.Loopback);
        Server = ManagerChannel.Start(Credentials, store, logger: Log, options:
            new ChannelOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0), HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10), IsNodeAllowed = id => !Removed.Contains(id) },
            joined: (node, _) =>
            {
                Joined.Add(node);
                return Task.CompletedTask;
            },
            mapMore: router =>
            {
                new KeyService(new NetworkKeyService(store)).MapTo(router);
                router.MapUnary<EchoRequest, EchoResponse>("test.echo", (context, request, _) =>
                {
                    Interlocked.Increment(ref _handlerCalls);
                    return Task.FromResult(new EchoResponse(request.Text, context.NodeId));
                });
                router.MapStream<CountRequest, int>("test.count", (_, request, ct) => Count(request.Upto, ct));
                router.MapUnary<EchoRequest, EchoResponse>("test.hang", async (_, request, ct) =>
                {
                    Interlocked.Increment(ref _activeHangs);
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                        return new EchoResponse(request.Text, null);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _activeHangs);
                    }
                });
            });
    }

    public static TestCluster Start(IClusterStore? store = null, TimeSpan? handshakeTimeout = null) =>
        new(store ?? new SqliteClusterStore(":memory:"), handshakeTimeout);

    public IClusterStore Store { get; }

    public ManagerCredentials Credentials { get; }

    public ClusterServer Server { get; }

    public IPEndPoint Endpoint => Server.LocalEndpoint;

    public List<JoinedNode> Joined { get; } = [];

    /// <summary>Everything the manager's channel logged.</summary>
    public ListLogger Log { get; } = new();

    /// <summary>Node ids the channel refuses although their certificates are valid.</summary>
    public HashSet<string> Removed { get; } = [];

    /// <summary>How often "test.echo" ran: a refused client must not move it.</summary>
    public int HandlerCalls => Volatile.Read(ref _handlerCalls);

    public string DataDirectory(string name) => _dir.Sub(name);

    public Task<NodeIdentity> JoinAsync(string name) =>
        JoinClient.JoinAsync(Endpoint, Credentials.Token, name, IPAddress.Parse("198.51.100.20"));

    public ClusterClient Client(NodeIdentity identity)
    {
        var client = new ClusterClient(identity, Endpoint);
        _owned.Add(client);
        return client;
    }

    /// <summary>Streams of "test.count" still running on the server.</summary>
    public int ActiveStreams => Volatile.Read(ref _activeStreams);

    private int _activeStreams;

    /// <summary>"test.hang" calls still running on the server.</summary>
    public int ActiveHangs => Volatile.Read(ref _activeHangs);

    private int _activeHangs;

    private async IAsyncEnumerable<int> Count(int upto, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        Interlocked.Increment(ref _activeStreams);
        try
        {
            for (var i = 1; upto == 0 || i <= upto; i++)
            {
                yield return i;
                if (upto == 0)
                    await Task.Delay(20, ct);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _activeStreams);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
            await owned.DisposeAsync();
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        Credentials.Dispose();
        _dir.Dispose();
    }
}

internal sealed record EchoRequest(string Text);

internal sealed record EchoResponse(string Text, string? CallerNodeId);

internal sealed record CountRequest(int Upto);
