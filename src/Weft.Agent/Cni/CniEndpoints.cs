using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Weft.Api;
using Weft.Api.Dto;

namespace Weft.Agent.Cni;

/// <summary><c>/cni/add</c>, <c>/cni/del</c>, <c>/cni/check</c>, <c>/cni/gc</c>: what <c>weft-cni</c> asks weftd for each CNI command.</summary>
internal static class CniEndpoints
{
    public static void MapCni(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cni/add", async (CniRequest request, IServiceProvider services, CancellationToken ct) =>
            Results.Json(await Attachments(services).AddAsync(request, ct), WeftApiJson.Options));
        app.MapPost("/cni/check", async (CniRequest request, IServiceProvider services, CancellationToken ct) =>
            Results.Json(await Attachments(services).CheckAsync(request, ct), WeftApiJson.Options));
        app.MapPost("/cni/gc", async (CniGcRequest request, IServiceProvider services, CancellationToken ct) =>
            Results.Json(await Attachments(services).CollectAsync(request, ct), WeftApiJson.Options));
        app.MapPost("/cni/del", async (CniRequest request, IServiceProvider services, CancellationToken ct) =>
        {
            await Attachments(services).DeleteAsync(request, ct);
            return Results.NoContent();
        });
    }

    private static CniAttachments Attachments(IServiceProvider services) =>
        services.GetService<CniAttachments>()
        ?? throw new NotAvailableException("this weftd runs without a data path (--data-path off): it cannot plug a runtime's containers in");
}
