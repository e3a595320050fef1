using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Weft.Cluster.Channel;

/// <summary>
/// Method table of a channel server. Handlers take and return plain records (serialized as JSON).
/// Only methods registered with <c>allowWithoutCertificate</c> are reachable on a join connection.
/// </summary>
public sealed class RpcRouter
{
    internal delegate Task<JsonElement> UnaryHandler(CallContext context, JsonElement? body, CancellationToken cancellationToken);

    internal delegate IAsyncEnumerable<JsonElement> StreamHandler(CallContext context, JsonElement? body, CancellationToken cancellationToken);

    private readonly Dictionary<string, (UnaryHandler Handler, bool Open)> _unary = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StreamHandler> _streams = new(StringComparer.Ordinal);

    public void MapUnary<TRequest, TResponse>(string method,
        Func<CallContext, TRequest, CancellationToken, Task<TResponse>> handler, bool allowWithoutCertificate = false)
    {
        lock (_unary)
        {
            _unary[method] = (async (context, body, ct) =>
            {
                var request = ChannelJson.FromElement<TRequest>(body, method);
                var response = await handler(context, request, ct).ConfigureAwait(false);
                return ChannelJson.ToElement(response);
            }, allowWithoutCertificate);
        }
    }

    public void MapStream<TRequest, TItem>(string method,
        Func<CallContext, TRequest, CancellationToken, IAsyncEnumerable<TItem>> handler)
    {
        lock (_unary)
            _streams[method] = (context, body, ct) => Convert(handler(context, ChannelJson.FromElement<TRequest>(body, method), ct), ct);
    }

    internal bool TryGetUnary(string method, bool authenticated, out UnaryHandler handler)
    {
        lock (_unary)
        {
            if (_unary.TryGetValue(method, out var entry) && (authenticated || entry.Open))
            {
                handler = entry.Handler;
                return true;
            }
        }
        handler = null!;
        return false;
    }

    internal bool TryGetStream(string method, bool authenticated, out StreamHandler handler)
    {
        lock (_unary)
        {
            if (authenticated && _streams.TryGetValue(method, out var found))
            {
                handler = found;
                return true;
            }
        }
        handler = null!;
        return false;
    }

    private static async IAsyncEnumerable<JsonElement> Convert<TItem>(IAsyncEnumerable<TItem> items,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return ChannelJson.ToElement(item);
    }
}
