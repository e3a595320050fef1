using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Weft.Api.Dto;
using Weft.Control.Services;

namespace Weft.Agent;

/// <summary><c>/cluster/init|join|leave</c> and <c>/nodes</c>.</summary>
internal static class ClusterEndpoints
{
    private const string NotYet = "clustering is not wired into weftd yet (cluster channel pending integration); this agent runs standalone";

    public static void MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cluster/init", (ClusterInitRequest _) => Fail());
        app.MapPost("/cluster/join", (ClusterJoinRequest _) => Fail());
        app.MapPost("/cluster/leave", () => Fail());
        app.MapGet("/nodes", async (ControlPlane control, CancellationToken ct) =>
            (await control.Nodes.ListAsync(ct)).Select(DtoMapping.Node).ToList());
    }

    private static object Fail() => throw new NotAvailableException($"cluster: {NotYet}");
}
