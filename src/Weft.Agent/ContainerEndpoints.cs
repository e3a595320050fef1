using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Weft.Api;
using Weft.Agent.DataPath;
using Weft.Api.Dto;
using Weft.DataPlane.Host;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Agent;

/// <summary>
/// <c>/containers</c>: create (on this node), list, inspect, remove, exec. A container is a name claimed in the store with
/// one endpoint per network; its host's data path makes its namespace, where exec runs the command (501 when the agent runs without a data path).
/// </summary>
internal static class ContainerEndpoints
{
    public static void MapContainers(this IEndpointRouteBuilder app, AgentOptions options)
    {
        app.MapPost("/containers/create", async (string? name, ContainerCreateRequest request, AgentState state, IServiceProvider services, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new WeftInvalidArgumentException("a container needs a name: pass ?name= (weft run --name NAME)");
            }
            var endpoints = request.NetworkingConfig?.EndpointsConfig ?? [];
            var network = !string.IsNullOrEmpty(request.HostConfig?.NetworkMode)
                ? request.HostConfig.NetworkMode
                : endpoints.Keys.FirstOrDefault()
                  ?? throw new WeftInvalidArgumentException($"container {name} needs a network: use --network NAME (see 'weft network ls')");
            var ip = endpoints.GetValueOrDefault(network)?.IPAMConfig?.IPv4Address;
            var endpoint = await state.Control.Endpoints.CreateAsync(network, name, options.NodeName, string.IsNullOrEmpty(ip) ? null : ip, newContainer: true, ct);
            // Like `docker run -d`, answer once the container exists: plumb it now instead of waiting for the watch.
            if (services.GetService(typeof(HostReconciler)) is HostReconciler reconciler) await reconciler.ReconcileAsync(ct);
            return Results.Json(new ContainerCreateResponse { Id = endpoint.ContainerId }, WeftApiJson.Options, statusCode: StatusCodes.Status201Created);
        });

        app.MapGet("/containers/json", async (AgentState state, CancellationToken ct) =>
        {
            var networks = (await state.Control.Networks.ListAsync(ct)).ToDictionary(n => n.Id, StringComparer.Ordinal);
            var endpoints = await state.Control.Endpoints.ListAllAsync(ct);
            var runs = await RunStatesAsync(state, ct);
            var nodes = await NetworkEndpoints.NodesByName(state, ct);
            var now = DateTimeOffset.UtcNow;
            var weft = (await state.Control.Endpoints.ListContainersAsync(ct))
                .Select(c => DtoMapping.ContainerSummary(c, DtoMapping.Endpoints(endpoints.Where(e => e.ContainerId == c.Id), networks),
                    ContainerRunStatus.Of(runs.GetValueOrDefault(c.Id), nodes.GetValueOrDefault(c.Host), now)));
            var docker = endpoints.Where(e => e.Runtime != EndpointRuntimes.Weft).GroupBy(e => e.ContainerId)
                .Select(g => DtoMapping.DockerContainerSummary(g.ToList(), DtoMapping.Endpoints(g, networks), nodes.GetValueOrDefault(g.First().Host), now));
            return weft.Concat(docker).OrderBy(c => c.Names[0], StringComparer.Ordinal).ToList();
        });

        app.MapGet("/containers/{id}/json", async (string id, AgentState state, CancellationToken ct) =>
        {
            var container = await state.Control.Endpoints.InspectContainerAsync(id, ct);
            var networks = (await state.Control.Networks.ListAsync(ct)).ToDictionary(n => n.Id, StringComparer.Ordinal);
            var endpoints = await state.Control.Endpoints.ListContainerEndpointsAsync(container.Id, ct);
            var run = (await RunStatesAsync(state, ct)).GetValueOrDefault(container.Id);
            var host = (await NetworkEndpoints.NodesByName(state, ct)).GetValueOrDefault(container.Host);
            return DtoMapping.ContainerInspect(container, DtoMapping.Endpoints(endpoints, networks), run, ContainerRunStatus.Of(run, host, DateTimeOffset.UtcNow).State);
        });

        app.MapDelete("/containers/{id}", async (string id, AgentState state, CancellationToken ct) =>
        {
            await state.Control.Endpoints.RemoveContainerAsync(id, ct);
            return Results.NoContent();
        });

        app.MapPost("/containers/{id}/exec", (string id, ExecRequest request, AgentState state, IServiceProvider services, CancellationToken ct) =>
            ExecAsync(id, request, state, options, services, ct));
    }

    private static async Task<ExecResult> ExecAsync(string id, ExecRequest request, AgentState state, AgentOptions options, IServiceProvider services, CancellationToken ct)
    {
        var container = await state.Control.Endpoints.InspectContainerAsync(id, ct);
        if (container.Host != options.NodeName)
        {
            throw new WeftInvalidArgumentException($"{container.Name} runs on {container.Host}: use -H {container.Host}");
        }
        if (request.Cmd.Count == 0)
        {
            throw new WeftInvalidArgumentException($"exec {container.Name}: no command given");
        }
        if (!options.DataPath)
        {
            throw new NotAvailableException($"exec {container.Name}: this agent runs without a data path (--data-path off), so '{string.Join(' ', request.Cmd)}' has no container namespace to run in");
        }
        var host = services.GetRequiredService<HostDataPath>();
        var ns = host.Names.Container(container.Name);
        if (!host.ContainerNamespaceExists(container.Name))
        {
            throw new WeftConflictException($"exec {container.Name}: its network namespace {ns} is not there yet; try again in a moment, or see the agent's log");
        }
        return await ContainerExec.RunAsync(ns, request.Cmd, ct);
    }

    /// <summary>The run states hosts have reported, by container ID.</summary>
    private static async Task<Dictionary<string, ContainerRunState>> RunStatesAsync(AgentState state, CancellationToken ct) =>
        (await state.Control.Store.ListAsync(Keys.ContainerStatesPrefix, ct)).Select(kv => ModelJson.Deserialize<ContainerRunState>(kv.Value))
            .OfType<ContainerRunState>().ToDictionary(r => r.ContainerId, StringComparer.Ordinal);
}
