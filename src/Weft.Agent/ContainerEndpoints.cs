using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Services;

namespace Weft.Agent;

/// <summary>
/// <c>/containers</c>: create (on this node), list, inspect, remove, exec. A container is a name claimed in the store with
/// one endpoint per network; its namespace arrives with the data path (issue 5), so exec answers 501 until then.
/// </summary>
internal static class ContainerEndpoints
{
    public static void MapContainers(this IEndpointRouteBuilder app, AgentOptions options)
    {
        app.MapPost("/containers/create", async (string? name, ContainerCreateRequest request, ControlPlane control, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new WeftInvalidArgumentException("a container needs a name: pass ?name= (weft run --name NAME)");
            }
            var network = !string.IsNullOrEmpty(request.HostConfig.NetworkMode)
                ? request.HostConfig.NetworkMode
                : request.NetworkingConfig.EndpointsConfig.Keys.FirstOrDefault()
                  ?? throw new WeftInvalidArgumentException($"container {name} needs a network: use --network NAME (see 'weft network ls')");
            var ip = request.NetworkingConfig.EndpointsConfig.GetValueOrDefault(network)?.IPAMConfig?.IPv4Address;
            var endpoint = await control.Endpoints.CreateAsync(network, name, options.NodeName, string.IsNullOrEmpty(ip) ? null : ip, newContainer: true, ct);
            return Results.Json(new ContainerCreateResponse { Id = endpoint.ContainerId }, WeftApiJson.Options, statusCode: StatusCodes.Status201Created);
        });

        app.MapGet("/containers/json", async (ControlPlane control, CancellationToken ct) =>
        {
            var networks = (await control.Networks.ListAsync(ct)).ToDictionary(n => n.Id, StringComparer.Ordinal);
            var endpoints = await control.Endpoints.ListAllAsync(ct);
            return (await control.Endpoints.ListContainersAsync(ct))
                .Select(c => DtoMapping.ContainerSummary(c, DtoMapping.Endpoints(endpoints.Where(e => e.ContainerId == c.Id), networks)))
                .ToList();
        });

        app.MapGet("/containers/{id}/json", async (string id, ControlPlane control, CancellationToken ct) =>
        {
            var container = await control.Endpoints.InspectContainerAsync(id, ct);
            var networks = (await control.Networks.ListAsync(ct)).ToDictionary(n => n.Id, StringComparer.Ordinal);
            var endpoints = await control.Endpoints.ListContainerEndpointsAsync(container.Id, ct);
            return DtoMapping.ContainerInspect(container, DtoMapping.Endpoints(endpoints, networks));
        });

        app.MapDelete("/containers/{id}", async (string id, ControlPlane control, CancellationToken ct) =>
        {
            await control.Endpoints.RemoveContainerAsync(id, ct);
            return Results.NoContent();
        });

        app.MapPost("/containers/{id}/exec", (string id, ExecRequest request, ControlPlane control, CancellationToken ct) =>
            ExecAsync(id, request, control, options, ct));
    }

    private static async Task<ExecResult> ExecAsync(string id, ExecRequest request, ControlPlane control, AgentOptions options, CancellationToken ct)
    {
        var container = await control.Endpoints.InspectContainerAsync(id, ct);
        if (container.Host != options.NodeName)
        {
            throw new WeftInvalidArgumentException($"{container.Name} runs on {container.Host}: use -H {container.Host}");
        }
        if (request.Cmd.Count == 0)
        {
            throw new WeftInvalidArgumentException($"exec {container.Name}: no command given");
        }
        throw new NotAvailableException(
            $"exec needs the data path (issue 5): {container.Name} has no network namespace yet, so '{string.Join(' ', request.Cmd)}' cannot run in it");
    }
}
