using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Weft.Api;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Model;
using Weft.Control.Services;
using ControlNetworkRequest = Weft.Control.Services.NetworkCreateRequest;

namespace Weft.Agent;

/// <summary>
/// <c>/networks</c>: create, list, inspect, remove, connect, disconnect — Docker's routes over the control plane — and Weft's
/// rotate-key, diagnose and external peers.
/// </summary>
internal static class NetworkEndpoints
{
    public static void MapNetworks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/networks/create", async (Api.Dto.NetworkCreateRequest request, AgentState state, CancellationToken ct) =>
        {
            var configs = request.IPAM?.Config ?? [];
            if (configs.Count > 1)
            {
                throw new WeftInvalidArgumentException($"network {request.Name}: Weft networks have one subnet, {configs.Count} were given; create one network per subnet");
            }
            var config = configs.FirstOrDefault();
            var network = await state.Control.Networks.CreateAsync(new ControlNetworkRequest
            {
                Name = request.Name,
                Driver = request.Driver,
                Subnet = config?.Subnet,
                Gateway = config?.Gateway,
                IpRange = config?.IPRange,
                AuxAddresses = config?.AuxiliaryAddresses ?? [],
                Options = request.Options ?? [],
                Labels = request.Labels ?? [],
                Internal = request.Internal,
                Attachable = request.Attachable,
            }, ct);
            return Results.Json(new NetworkCreateResponse { Id = network.Id }, WeftApiJson.Options, statusCode: StatusCodes.Status201Created);
        });

        app.MapGet("/networks", async (AgentState state, IServiceProvider services, CancellationToken ct) =>
        {
            var endpoints = await state.Control.Endpoints.ListAllAsync(ct);
            var nodes = await NodesByName(state, ct);
            var keys = (await state.Control.Store.ListAsync(Keys.KeyMetaPrefix, ct)).Select(kv => ModelJson.Deserialize<NetworkKeyMeta>(kv.Value))
                .ToDictionary(m => m.NetworkId);
            return (await state.Control.Networks.ListAsync(ct))
                .Select(n => DtoMapping.Network(n, endpoints, nodes, keys.GetValueOrDefault(n.Id)) with { DataPath = PathOf(services, n).Path, DataPathReason = PathOf(services, n).Reason })
                .ToList();
        });

        app.MapGet("/networks/{id}", async (string id, AgentState state, IServiceProvider services, CancellationToken ct) =>
        {
            var network = await state.Control.Networks.InspectAsync(id, ct);
            var (path, reason) = PathOf(services, network);
            return DtoMapping.Network(network, await state.Control.Endpoints.ListAsync(network.Id, ct), await NodesByName(state, ct),
                await KeyMetaAsync(state, network, ct)) with { DataPath = path, DataPathReason = reason };
        });

        // Weft: start a key rotation of an encrypted network now (the manager does it; a worker forwards with keys.rotate).
        app.MapPost("/networks/{id}/rotate-key", async (string id, AgentState state, CancellationToken ct) =>
        {
            var network = await state.Control.Networks.InspectAsync(id, ct);
            await state.RotateKeyAsync(network, ct);
            return DtoMapping.Network(network, await state.Control.Endpoints.ListAsync(network.Id, ct), await NodesByName(state, ct),
                await KeyMetaAsync(state, network, ct));
        });

        // Weft: an external VTEP joins the network as a peer (weft network peer add), or leaves it (weft network peer rm).
        app.MapPost("/networks/{id}/peers", async (string id, NetworkPeerRequest request, AgentState state, CancellationToken ct) =>
        {
            var network = await state.Control.Networks.AddPeerAsync(id, request.Address, ct);
            return DtoMapping.Network(network, await state.Control.Endpoints.ListAsync(network.Id, ct), await NodesByName(state, ct),
                await KeyMetaAsync(state, network, ct));
        });

        app.MapDelete("/networks/{id}/peers/{address}", async (string id, string address, AgentState state, CancellationToken ct) =>
        {
            var network = await state.Control.Networks.RemovePeerAsync(id, address, ct);
            return DtoMapping.Network(network, await state.Control.Endpoints.ListAsync(network.Id, ct), await NodesByName(state, ct),
                await KeyMetaAsync(state, network, ct));
        });

        // Weft: probe the overlay links from this host to every other host of the network (weft network diagnose).
        app.MapPost("/networks/{id}/diagnose", async (string id, AgentState state, IServiceProvider services, CancellationToken ct) =>
        {
            var network = await state.Control.Networks.InspectAsync(id, ct);
            var diagnostics = services.GetService(typeof(DataPath.NetworkDiagnostics)) as DataPath.NetworkDiagnostics
                ?? throw new NotAvailableException("this weftd runs without a data path (--data-path off): it has no overlay links to diagnose");
            return await diagnostics.RunAsync(network, await state.Control.Endpoints.ListAsync(network.Id, ct), await state.Control.Nodes.ListAsync(ct), ct);
        });

        // Weft: every host with a container on the network probes its links (weft network diagnose --all).
        app.MapPost("/networks/{id}/diagnose/all", async (string id, AgentState state, CancellationToken ct) =>
            await DataPath.ClusterDiagnosis.RunAsync(state, await state.Control.Networks.InspectAsync(id, ct), ct));

        app.MapDelete("/networks/{id}", async (string id, AgentState state, CancellationToken ct) =>
        {
            await state.Control.Networks.RemoveAsync(id, ct);
            return Results.NoContent();
        });

        app.MapPost("/networks/{id}/connect", async (string id, NetworkConnectRequest request, AgentState state, CancellationToken ct) =>
        {
            var container = await state.Control.Endpoints.InspectContainerAsync(request.Container, ct);
            await state.Control.Endpoints.CreateAsync(id, container.Name, container.Host, request.EndpointConfig?.IPAMConfig?.IPv4Address, newContainer: false, ct);
            return Results.Ok();
        });

        app.MapPost("/networks/{id}/disconnect", async (string id, NetworkDisconnectRequest request, AgentState state, CancellationToken ct) =>
        {
            var container = await state.Control.Endpoints.InspectContainerAsync(request.Container, ct);
            await state.Control.Endpoints.RemoveAsync(id, container.Name, ct);
            return Results.Ok();
        });
    }

    /// <summary>The key schedule of an encrypted network (made on the manager at once when this node is it), or null.</summary>
    private static async Task<NetworkKeyMeta?> KeyMetaAsync(AgentState state, Network network, CancellationToken ct)
    {
        if (!network.Encrypted) return null;
        if (state.MakesKeys) await state.LocalKeys.StepAsync(network, ct);
        return await state.Control.Store.GetAsync(Keys.KeyMeta(network.Id), ct) is { } kv ? ModelJson.Deserialize<NetworkKeyMeta>(kv.Value) : null;
    }

    public static async Task<IReadOnlyDictionary<string, Control.Model.Node>> NodesByName(AgentState state, CancellationToken ct) =>
        (await state.Control.Nodes.ListAsync(ct)).ToDictionary(n => n.Name, StringComparer.Ordinal);

    /// <summary>
    /// The path <paramref name="network"/> takes on this host and why: the running path when it has containers here, else the
    /// path it would take.
    /// </summary>
    private static (string Path, string Reason) PathOf(IServiceProvider services, Network network)
    {
        if (services.GetService(typeof(Weft.DataPlane.Paths.NetworkDataPaths)) is not Weft.DataPlane.Paths.NetworkDataPaths paths)
            return ("off", "this weftd runs without a data path (--data-path off)");
        if (paths.TryGet((uint)network.Vni, out var running)) return (running.Kind.ToString().ToLowerInvariant(), running.Reason);
        var (kind, reason) = paths.Selection.Choose(network.Encrypted);
        return (kind.ToString().ToLowerInvariant(), $"{reason} (once a container of it runs on this host)");
    }
}
