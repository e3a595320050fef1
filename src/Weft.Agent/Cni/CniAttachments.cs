using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Weft.Agent.DataPath;
using Weft.Api.Dto;
using Weft.Control.Errors;
using Weft.Control.Ipam;
using Weft.Control.Model;
using Weft.Control.Services;
using Weft.DataPlane.Host;
using Weft.Wire;

namespace Weft.Agent.Cni;

/// <summary>
/// The CNI front door (<c>weft-cni</c> is a thin client of it): a container whose namespace a runtime made (podman,
/// containerd, CRI-O) joins a Weft network as an endpoint of runtime <see cref="EndpointRuntimes.Cni"/>, with an address
/// from Weft's IPAM, plugged by this host's data path exactly as Weft's own containers are (a veth on the network's bridge,
/// Weft's MAC, the network's MTU). One container and interface name is one endpoint, whose id is derived from both, so an
/// ADD retried after a crash finds what the first try made and finishes it, and DEL needs nothing but the names. Whatever
/// an ADD claimed is given back when it fails; DEL of what is not there succeeds.
/// </summary>
public sealed partial class CniAttachments(AgentState state, AgentOptions options, HostDataPath dataPath, HostReconciler reconciler, ILogger<CniAttachments> logger)
{
    /// <summary>The endpoint id of <paramref name="containerId"/>'s interface <paramref name="ifName"/>: 64 hex digits, stable.</summary>
    public static string EndpointId(string containerId, string ifName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"cni/{containerId}/{ifName}")));

    public async Task<CniAttachment> AddAsync(CniRequest request, CancellationToken ct)
    {
        Validate(request);
        if (!File.Exists(request.Netns))
            throw new WeftInvalidArgumentException($"CNI_NETNS {request.Netns} does not exist: the runtime must make the container's network namespace before ADD");
        var network = await state.Control.Networks.InspectAsync(request.Network, ct);
        var id = EndpointId(request.ContainerId, request.IfName);
        var endpoints = await state.Control.Endpoints.ListAsync(network.Id, ct);
        if (endpoints.FirstOrDefault(e => e.Runtime == EndpointRuntimes.Cni && e.ContainerId == request.ContainerId && e.Id != id) is { } other)
            throw new WeftConflictException($"container {Short(request.ContainerId)} is already on network {network.Name} with another interface ({other.ContainerName}): DEL that attachment first");

        var endpoint = endpoints.FirstOrDefault(e => e.Id == id);
        var made = endpoint is null;
        if (endpoint is null)
        {
            // An ADD that died (weftd killed) between claiming and recording left its claim: the retry takes it back.
            var address = (await state.Control.Endpoints.ClaimedByAsync(network.Id, id, ct)).FirstOrDefault() is var left and not 0
                ? left
                : await state.Control.Endpoints.ClaimAddressAsync(network, null, id, ct);
            try
            {
                endpoint = await state.Control.Endpoints.AddRuntimeEndpointAsync(network, id, options.NodeName, EndpointRuntimes.Cni, address, ct);
                endpoint = endpoint with { ContainerId = request.ContainerId, ContainerName = NameOf(request), Netns = request.Netns };
                await state.Control.Endpoints.UpdateEndpointAsync(endpoint, ct);
            }
            catch
            {
                if (endpoint is not null) await state.Control.Endpoints.RemoveRuntimeEndpointAsync(endpoint, CancellationToken.None);
                await state.Control.Endpoints.ReleaseAddressAsync(network.Id, address, CancellationToken.None);
                throw;
            }
        }
        var attachment = Attachment(network, endpoint, request);
        try
        {
            var subnet = Ipv4Cidr.Parse(network.Subnets[0].Subnet, "subnet");
            dataPath.EnsureSandbox((uint)network.Vni, network.Mtu, IPv4Address.Parse(network.Subnets[0].Gateway), subnet.PrefixLength);
            dataPath.AttachIntoNamespace(attachment);
            // One pass now: the network's data path (forwarding, peers) and the container's resolver (its loopback is up).
            await reconciler.ReconcileAsync(ct);
        }
        catch
        {
            if (made) await ForgetAsync(network, endpoint, CancellationToken.None);
            throw;
        }
        LogAdded(logger, endpoint.ContainerName, request.IfName, endpoint.IPv4Address, network.Name);
        return Describe(network, endpoint, request);
    }

    /// <summary>Removes the attachment and its endpoint and address; nothing to remove (gone already, never made) is success.</summary>
    public async Task DeleteAsync(CniRequest request, CancellationToken ct)
    {
        Validate(request);
        if (await state.Control.Networks.FindAsync(request.Network, ct) is not { } network) return;
        var id = EndpointId(request.ContainerId, request.IfName);
        dataPath.DetachFromNamespace(id, (uint)network.Vni);
        if (await state.Control.Endpoints.FindEndpointAsync(network.Id, id, ct) is { } endpoint)
        {
            await ForgetAsync(network, endpoint, ct);
            LogDeleted(logger, endpoint.ContainerName, request.IfName, network.Name);
        }
        foreach (var left in await state.Control.Endpoints.ClaimedByAsync(network.Id, id, ct))
            await state.Control.Endpoints.ReleaseAddressAsync(network.Id, left, ct); // claimed by an ADD that died before recording
    }

    /// <summary>The attachment as weftd made it, or <see cref="WeftConflictException"/> naming what is no longer so.</summary>
    public async Task<CniAttachment> CheckAsync(CniRequest request, CancellationToken ct)
    {
        Validate(request);
        var network = await state.Control.Networks.InspectAsync(request.Network, ct);
        var endpoint = await state.Control.Endpoints.FindEndpointAsync(network.Id, EndpointId(request.ContainerId, request.IfName), ct)
            ?? throw new WeftNotFoundException($"container {Short(request.ContainerId)} has no interface {request.IfName} on network {network.Name}: ADD it first");
        if (dataPath.CheckNamespace(Attachment(network, endpoint, request)) is { } problem)
            throw new WeftConflictException($"container {Short(request.ContainerId)} on network {network.Name}: {problem}");
        return Describe(network, endpoint, request);
    }

    /// <summary>
    /// CNI GC: removes this host's CNI attachments on the network that are not in <paramref name="request"/>'s valid list (the
    /// runtime forgot them, e.g. a DEL lost in a crash). Returns the container names removed.
    /// </summary>
    public async Task<CniGcResponse> CollectAsync(CniGcRequest request, CancellationToken ct)
    {
        if (await state.Control.Networks.FindAsync(request.Network, ct) is not { } network) return new CniGcResponse();
        var valid = request.ValidAttachments.Select(a => EndpointId(a.ContainerId, a.IfName)).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var endpoint in await state.Control.Endpoints.ListAsync(network.Id, ct))
        {
            if (endpoint.Runtime != EndpointRuntimes.Cni || endpoint.Host != options.NodeName || valid.Contains(endpoint.Id)) continue;
            await ForgetAsync(network, endpoint, ct);
            removed.Add(endpoint.ContainerName);
            LogCollected(logger, endpoint.ContainerName, network.Name);
        }
        return new CniGcResponse { Removed = removed };
    }

    private async Task ForgetAsync(Network network, Endpoint endpoint, CancellationToken ct)
    {
        dataPath.DetachFromNamespace(endpoint.Id, (uint)network.Vni);
        await state.Control.Endpoints.RemoveRuntimeEndpointAsync(endpoint, ct);
        await state.Control.Endpoints.ReleaseAddressAsync(network.Id, Ipv4.Parse(endpoint.IPv4Address, "address"), ct);
    }

    private static void Validate(CniRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.ContainerId)) throw new WeftInvalidArgumentException("CNI_CONTAINERID is empty: the runtime must name the container");
        if (string.IsNullOrWhiteSpace(request.IfName)) throw new WeftInvalidArgumentException("CNI_IFNAME is empty: the runtime must name the interface to make");
        if (string.IsNullOrWhiteSpace(request.Network)) throw new WeftInvalidArgumentException("the network configuration names no Weft network: set \"network\" (or \"name\") to a network of 'weft network ls'");
    }

    private static string NameOf(CniRequest request) =>
        !string.IsNullOrWhiteSpace(request.Name) && Names.IsValid(request.Name) ? request.Name : $"{EndpointRuntimes.Cni}-{Short(request.ContainerId)}";

    private static NamespaceAttachment Attachment(Network network, Endpoint endpoint, CniRequest request) =>
        new(endpoint.Id, (uint)network.Vni, request.Netns, request.IfName, IPv4Address.Parse(endpoint.IPv4Address), endpoint.PrefixLength, network.Mtu);

    private static CniAttachment Describe(Network network, Endpoint endpoint, CniRequest request) => new()
    {
        Interface = request.IfName,
        MacAddress = endpoint.MacAddress,
        Sandbox = request.Netns,
        Address = $"{endpoint.IPv4Address}/{endpoint.PrefixLength}",
        Gateway = network.Subnets[0].Gateway,
        Subnet = network.Subnets[0].Subnet,
        Mtu = network.Mtu,
        Network = network.Name,
        Nameservers = [Weft.Dns.ResolvConf.EmbeddedServerAddress.ToString()],
    };

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    [LoggerMessage(Level = LogLevel.Information, Message = "CNI: {Container} {Interface} on network {Network} with {Address}")]
    private static partial void LogAdded(ILogger logger, string container, string @interface, string address, string network);

    [LoggerMessage(Level = LogLevel.Information, Message = "CNI GC: {Container} on network {Network} is unknown to its runtime; removed")]
    private static partial void LogCollected(ILogger logger, string container, string network);

    [LoggerMessage(Level = LogLevel.Information, Message = "CNI: {Container} {Interface} left network {Network}")]
    private static partial void LogDeleted(ILogger logger, string container, string @interface, string network);
}
