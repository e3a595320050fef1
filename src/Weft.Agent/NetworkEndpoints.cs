using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Services;
using ControlNetworkRequest = Weft.Control.Services.NetworkCreateRequest;

namespace Weft.Agent;

/// <summary><c>/networks</c>: create, list, inspect, remove, connect, disconnect — Docker's routes over the control plane.</summary>
internal static class NetworkEndpoints
{
    public static void MapNetworks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/networks/create", async (Api.Dto.NetworkCreateRequest request, ControlPlane control, CancellationToken ct) =>
        {
            var configs = request.IPAM?.Config ?? [];
            if (configs.Count > 1)
            {
                throw new WeftInvalidArgumentException($"network {request.Name}: Weft networks have one subnet, {configs.Count} were given; create one network per subnet");
            }
            var config = configs.FirstOrDefault();
            var network = await control.Networks.CreateAsync(new ControlNetworkRequest
            {
                Name = request.Name,
                Driver = request.Driver,
                Subnet = config?.Subnet,
                Gateway = config?.Gateway,
                IpRange = config?.IPRange,
                Options = request.Options,
                Labels = request.Labels,
                Internal = request.Internal,
                Attachable = request.Attachable,
            }, ct);
            return Results.Json(new NetworkCreateResponse { Id = network.Id }, WeftApiJson.Options, statusCode: StatusCodes.Status201Created);
        });

        app.MapGet("/networks", async (ControlPlane control, CancellationToken ct) =>
        {
            var endpoints = await control.Endpoints.ListAllAsync(ct);
            var nodes = await NodesByName(control, ct);
            return (await control.Networks.ListAsync(ct)).Select(n => DtoMapping.Network(n, endpoints, nodes)).ToList();
        });

        app.MapGet("/networks/{id}", async (string id, ControlPlane control, CancellationToken ct) =>
        {
            var network = await control.Networks.InspectAsync(id, ct);
            return DtoMapping.Network(network, await control.Endpoints.ListAsync(network.Id, ct), await NodesByName(control, ct));
        });

        app.MapDelete("/networks/{id}", async (string id, ControlPlane control, CancellationToken ct) =>
        {
            await control.Networks.RemoveAsync(id, ct);
            return Results.NoContent();
        });

        app.MapPost("/networks/{id}/connect", async (string id, NetworkConnectRequest request, ControlPlane control, CancellationToken ct) =>
        {
            var container = await control.Endpoints.InspectContainerAsync(request.Container, ct);
            await control.Endpoints.CreateAsync(id, container.Name, container.Host, request.EndpointConfig?.IPAMConfig?.IPv4Address, newContainer: false, ct);
            return Results.Ok();
        });

        app.MapPost("/networks/{id}/disconnect", async (string id, NetworkDisconnectRequest request, ControlPlane control, CancellationToken ct) =>
        {
            var container = await control.Endpoints.InspectContainerAsync(request.Container, ct);
            await control.Endpoints.RemoveAsync(id, container.Name, ct);
            return Results.Ok();
        });
    }

    public static async Task<IReadOnlyDictionary<string, Control.Model.Node>> NodesByName(ControlPlane control, CancellationToken ct) =>
        (await control.Nodes.ListAsync(ct)).ToDictionary(n => n.Name, StringComparer.Ordinal);
}
