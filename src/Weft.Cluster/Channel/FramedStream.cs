namespace Weft.Cluster.Channel;

/// <summary>RPC frames over one stream: sends are serialized by a lock, receives come from a single reader loop.</summary>
internal sealed class FramedStream(Stream stream) : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task SendAsync(RpcFrame frame, CancellationToken cancellationToken)
    {
        var payload = frame.Serialize();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Framing.WriteAsync(stream, payload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next frame, or null on a clean close.</summary>
    public async Task<RpcFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var payload = await Framing.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        return payload is null ? null : RpcFrame.Deserialize(payload);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
    }
}
