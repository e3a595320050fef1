using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Weft.Api.Dto;

namespace Weft.Agent;

/// <summary><c>/cluster/init|join|leave</c> (over Weft.Cluster's CA, join token and channel) and <c>/nodes</c>.</summary>
internal static class ClusterEndpoints
{
    public static void MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cluster/init", (ClusterInitRequest request, AgentState state, CancellationToken ct) => state.InitAsync(request, ct));
        app.MapPost("/cluster/join", (ClusterJoinRequest request, AgentState state, CancellationToken ct) => state.JoinAsync(request, ct));
        app.MapPost("/cluster/leave", async (AgentState state, CancellationToken ct) =>
        {
            await state.LeaveAsync(ct);
            return Results.Ok();
        });
        app.MapGet("/nodes", async (AgentState state, CancellationToken ct) =>
            (await state.Control.Nodes.ListAsync(ct)).Select(DtoMapping.Node).ToList());
    }
}
