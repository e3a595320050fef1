// Design note: the CLI talks to weftd the way docker talks to dockerd: HTTP/1.1 + JSON over a Unix socket.
// HttpClient with SocketsHttpHandler.ConnectCallback dialing a UnixDomainSocketEndPoint gives pooling,
// timeouts and cancellation for free; the host part of the URI is a placeholder. A socket that is missing,
// refuses or may not be opened becomes WeftAgentUnavailableException naming the socket; an error status
// becomes WeftApiException carrying the agent's {"message"}.
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;
using Weft.Api.Dto;

namespace Weft.Api;

/// <summary>Client of weftd's local API.</summary>
public sealed class WeftApiClient : IDisposable
{
    /// <summary>Where weftd listens unless told otherwise.</summary>
    public const string DefaultSocketPath = "/run/weft/weftd.sock";

    private readonly HttpClient _http;

    public WeftApiClient(string socketPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://weftd/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string SocketPath { get; }

    public Task<VersionInfo> GetVersionAsync(CancellationToken ct = default) =>
        GetAsync("version", WeftApiJsonContext.Default.VersionInfo, ct);

    public Task<SystemInfo> GetInfoAsync(CancellationToken ct = default) =>
        GetAsync("info", WeftApiJsonContext.Default.SystemInfo, ct);

    public Task<NetworkCreateResponse> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken ct = default) =>
        PostAsync("networks/create", request, WeftApiJsonContext.Default.NetworkCreateRequest, WeftApiJsonContext.Default.NetworkCreateResponse, ct);

    public async Task<IReadOnlyList<NetworkInspect>> ListNetworksAsync(CancellationToken ct = default) =>
        await GetAsync("networks", WeftApiJsonContext.Default.ListNetworkInspect, ct);

    public Task<NetworkInspect> InspectNetworkAsync(string idOrName, CancellationToken ct = default) =>
        GetAsync($"networks/{Uri.EscapeDataString(idOrName)}", WeftApiJsonContext.Default.NetworkInspect, ct);

    public Task RemoveNetworkAsync(string idOrName, CancellationToken ct = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"networks/{Uri.EscapeDataString(idOrName)}"), ct);

    /// <summary>Weft: starts a key rotation of an encrypted network; returns the network as inspect shows it.</summary>
    public async Task<NetworkInspect> RotateNetworkKeyAsync(string idOrName, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"networks/{Uri.EscapeDataString(idOrName)}/rotate-key"), ct);
        return await ReadAsync(response, WeftApiJsonContext.Default.NetworkInspect, ct);
    }

    /// <summary>Weft: adds an external VTEP (its underlay IPv4 address) as a peer of a network; returns the network as inspect shows it.</summary>
    public Task<NetworkInspect> AddNetworkPeerAsync(string idOrName, string address, CancellationToken ct = default) =>
        PostAsync($"networks/{Uri.EscapeDataString(idOrName)}/peers", new NetworkPeerRequest { Address = address },
            WeftApiJsonContext.Default.NetworkPeerRequest, WeftApiJsonContext.Default.NetworkInspect, ct);

    /// <summary>Weft: removes an external VTEP peer from a network; returns the network as inspect shows it.</summary>
    public async Task<NetworkInspect> RemoveNetworkPeerAsync(string idOrName, string address, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete,
            $"networks/{Uri.EscapeDataString(idOrName)}/peers/{Uri.EscapeDataString(address)}"), ct);
        return await ReadAsync(response, WeftApiJsonContext.Default.NetworkInspect, ct);
    }

    /// <summary>Weft: probes the overlay links from the host this client talks to, to every other host of the network.</summary>
    public async Task<NetworkDiagnosis> DiagnoseNetworkAsync(string idOrName, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"networks/{Uri.EscapeDataString(idOrName)}/diagnose"), ct);
        return await ReadAsync(response, WeftApiJsonContext.Default.NetworkDiagnosis, ct);
    }

    /// <summary>Weft: every host with a container on the network probes its own links; one diagnosis per host.</summary>
    public async Task<List<NetworkDiagnosis>> DiagnoseNetworkEverywhereAsync(string idOrName, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"networks/{Uri.EscapeDataString(idOrName)}/diagnose/all"), ct);
        return await ReadAsync(response, WeftApiJsonContext.Default.ListNetworkDiagnosis, ct);
    }

    public Task ConnectNetworkAsync(string network, NetworkConnectRequest request, CancellationToken ct = default) =>
        SendAsync(Post($"networks/{Uri.EscapeDataString(network)}/connect", request, WeftApiJsonContext.Default.NetworkConnectRequest), ct);

    public Task DisconnectNetworkAsync(string network, NetworkDisconnectRequest request, CancellationToken ct = default) =>
        SendAsync(Post($"networks/{Uri.EscapeDataString(network)}/disconnect", request, WeftApiJsonContext.Default.NetworkDisconnectRequest), ct);

    public Task<ContainerCreateResponse> CreateContainerAsync(string name, ContainerCreateRequest request, CancellationToken ct = default) =>
        PostAsync($"containers/create?name={Uri.EscapeDataString(name)}", request, WeftApiJsonContext.Default.ContainerCreateRequest,
            WeftApiJsonContext.Default.ContainerCreateResponse, ct);

    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(CancellationToken ct = default) =>
        await GetAsync("containers/json", WeftApiJsonContext.Default.ListContainerSummary, ct);

    public Task<ContainerInspect> InspectContainerAsync(string idOrName, CancellationToken ct = default) =>
        GetAsync($"containers/{Uri.EscapeDataString(idOrName)}/json", WeftApiJsonContext.Default.ContainerInspect, ct);

    public Task RemoveContainerAsync(string idOrName, bool force = false, CancellationToken ct = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"containers/{Uri.EscapeDataString(idOrName)}?force={(force ? "true" : "false")}"), ct);

    public Task<ExecResult> ExecAsync(string idOrName, ExecRequest request, CancellationToken ct = default) =>
        PostAsync($"containers/{Uri.EscapeDataString(idOrName)}/exec", request, WeftApiJsonContext.Default.ExecRequest,
            WeftApiJsonContext.Default.ExecResult, ct);

    public Task<ClusterInitResponse> ClusterInitAsync(ClusterInitRequest request, CancellationToken ct = default) =>
        PostAsync("cluster/init", request, WeftApiJsonContext.Default.ClusterInitRequest, WeftApiJsonContext.Default.ClusterInitResponse, ct);

    public Task<ClusterJoinResponse> ClusterJoinAsync(ClusterJoinRequest request, CancellationToken ct = default) =>
        PostAsync("cluster/join", request, WeftApiJsonContext.Default.ClusterJoinRequest, WeftApiJsonContext.Default.ClusterJoinResponse, ct);

    public Task ClusterLeaveAsync(CancellationToken ct = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "cluster/leave"), ct);

    public async Task<IReadOnlyList<NodeInfo>> ListNodesAsync(CancellationToken ct = default) =>
        await GetAsync("nodes", WeftApiJsonContext.Default.ListNodeInfo, ct);

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        if (!File.Exists(SocketPath))
        {
            throw new WeftAgentUnavailableException(SocketPath, "no such socket");
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var reason = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused: no agent is listening",
                SocketError.AccessDenied => "permission denied: run as root or as a member of the socket's group",
                _ => $"{e.SocketErrorCode}, errno {e.ErrorCode}",
            };
            throw new WeftAgentUnavailableException(SocketPath, reason, e);
        }
    }

    /// <summary>CNI ADD: weftd gives the runtime's namespace an interface on the network and says what it made.</summary>
    public Task<CniAttachment> CniAddAsync(CniRequest request, CancellationToken ct = default) =>
        PostAsync("cni/add", request, WeftApiJsonContext.Default.CniRequest, WeftApiJsonContext.Default.CniAttachment, ct);

    /// <summary>CNI CHECK: the attachment as weftd made it, or an error saying what changed.</summary>
    public Task<CniAttachment> CniCheckAsync(CniRequest request, CancellationToken ct = default) =>
        PostAsync("cni/check", request, WeftApiJsonContext.Default.CniRequest, WeftApiJsonContext.Default.CniAttachment, ct);

    /// <summary>CNI DEL: removes what ADD made; succeeds when there is nothing (left) to remove.</summary>
    public Task CniDelAsync(CniRequest request, CancellationToken ct = default) =>
        SendAsync(Post("cni/del", request, WeftApiJsonContext.Default.CniRequest), ct);

    /// <summary>CNI GC: removes this host's CNI attachments on the network that are not among the valid ones.</summary>
    public Task<CniGcResponse> CniGcAsync(CniGcRequest request, CancellationToken ct = default) =>
        PostAsync("cni/gc", request, WeftApiJsonContext.Default.CniGcRequest, WeftApiJsonContext.Default.CniGcResponse, ct);

    private static HttpRequestMessage Post<T>(string path, T body, JsonTypeInfo<T> type) =>
        new(HttpMethod.Post, path) { Content = JsonContent.Create(body, type) };

    private async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken ct)
    {
        using var response = await SendAsync(Post(path, body, requestType), ct);
        return await ReadAsync(response, responseType, ct);
    }

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        return await ReadAsync(response, type, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync(type, ct)
        ?? throw new WeftApiException(response.StatusCode, $"the agent sent an empty {type.Type.Name} for {response.RequestMessage?.RequestUri}");

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            using (request)
            {
                response = await _http.SendAsync(request, ct);
            }
        }
        catch (HttpRequestException e) when (FindUnavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw new WeftApiException(response.StatusCode, await ErrorMessageAsync(response, ct));
        }
    }

    private static WeftAgentUnavailableException? FindUnavailable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is WeftAgentUnavailableException unavailable)
            {
                return unavailable;
            }
        }
        return null;
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            var error = System.Text.Json.JsonSerializer.Deserialize(text, WeftApiJsonContext.Default.ErrorResponse);
            if (!string.IsNullOrEmpty(error?.Message))
            {
                return error.Message;
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return $"the agent answered {(int)response.StatusCode} {response.ReasonPhrase}{(text.Length > 0 ? ": " + text : "")}";
    }
}
