using System.Net;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Cni;

/// <summary>
/// weftd over its API socket, its failures turned into CNI errors a person can act on: weftd unreachable names the socket
/// (code 11, try again later), an unknown network is an invalid configuration (7), a bad argument an invalid environment
/// (4), a conflict with what weftd has (the container attached with another interface, or CHECK finding a change) Weft's own code
/// 100, and anything else an I/O failure (5).
/// </summary>
public sealed class WeftdBackend(string socket) : ICniBackend
{
    private readonly WeftApiClient _client = new(socket);

    public Task<CniAttachment> AddAsync(CniRequest request, CancellationToken ct) => Call(() => _client.CniAddAsync(request, ct));

    public Task<CniAttachment> CheckAsync(CniRequest request, CancellationToken ct) => Call(() => _client.CniCheckAsync(request, ct));

    public Task DeleteAsync(CniRequest request, CancellationToken ct) => Call(async () =>
    {
        await _client.CniDelAsync(request, ct);
        return true;
    });

    public Task<CniGcResponse> CollectAsync(CniGcRequest request, CancellationToken ct) => Call(() => _client.CniGcAsync(request, ct));

    public Task PingAsync(CancellationToken ct) => Call(() => _client.GetVersionAsync(ct));

    public void Dispose() => _client.Dispose();

    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (WeftAgentUnavailableException e)
        {
            throw new CniException(CniCodes.TryAgainLater, $"weftd does not answer on {socket}: start it (systemctl start weftd) or set \"socket\" in the network configuration", e.Message);
        }
        catch (WeftApiException e)
        {
            var code = e.StatusCode switch
            {
                HttpStatusCode.NotFound => CniCodes.InvalidNetworkConfig,
                HttpStatusCode.BadRequest => CniCodes.InvalidEnvironment,
                HttpStatusCode.Conflict => CniCodes.Conflict,
                HttpStatusCode.ServiceUnavailable => CniCodes.TryAgainLater,
                _ => CniCodes.IoFailure,
            };
            throw new CniException(code, e.Message);
        }
    }
}
