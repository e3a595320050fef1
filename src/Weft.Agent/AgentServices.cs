using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Weft.Api.Dto;

namespace Weft.Agent;

/// <summary>The control-plane services the endpoints use, and the endpoint map.</summary>
internal static class AgentServices
{
    private static ExecResult Exec(string id, ExecRequest request) =>
        throw new NotAvailableException($"exec needs the data path (issue 5): container namespaces are not created yet, so '{string.Join(' ', request.Cmd)}' cannot run in {id}");

    public static void Add(IServiceCollection services, AgentOptions options)
    {
    }

    public static void MapEndpoints(WebApplication app, AgentOptions options)
    {
        app.MapSystem(options, () => (0, 0, new ClusterInfo(), ""));
        app.MapCluster();
        app.MapPost("/containers/{id}/exec", Exec);
    }
}
