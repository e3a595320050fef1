using Weft.Api.Dto;

namespace Weft.Cni;

/// <summary>What the plugin needs of weftd (the real one: <see cref="WeftdBackend"/>; tests use a fake).</summary>
public interface ICniBackend : IDisposable
{
    Task<CniAttachment> AddAsync(CniRequest request, CancellationToken ct);

    Task<CniAttachment> CheckAsync(CniRequest request, CancellationToken ct);

    Task DeleteAsync(CniRequest request, CancellationToken ct);

    Task<CniGcResponse> CollectAsync(CniGcRequest request, CancellationToken ct);

    /// <summary>Whether weftd answers (STATUS).</summary>
    Task PingAsync(CancellationToken ct);
}
