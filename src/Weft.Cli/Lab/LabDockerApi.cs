using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Weft.Cli.Lab;

/// <summary>
/// The few calls of the Docker Engine API the lab makes on a host's dockerd socket: whether it answers
/// (<c>GET /_ping</c>), whether an image is there (<c>GET /images/NAME/json</c>), importing one from a root filesystem
/// tar (<c>POST /images/create?fromSrc=-</c>, what <c>docker import</c> sends) and stopping every running container at
/// once (<c>docker stop -t 0</c>), without depending on which docker client is installed.
/// </summary>
internal sealed class LabDockerApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socket;

    public LabDockerApi(string socket)
    {
        _socket = socket;
        var handler = new SocketsHttpHandler { ConnectCallback = ConnectAsync };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://dockerd/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>True when dockerd answers its ping; false while nothing (or nothing ready) listens on the socket.</summary>
    public async Task<bool> AnswersAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync("_ping", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task<bool> HasImageAsync(string reference, CancellationToken ct)
    {
        using var response = await _http.GetAsync($"images/{reference}/json", ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureSuccessAsync(response, $"inspecting image {reference}", ct);
        return true;
    }

    /// <summary>Imports <paramref name="rootfsTar"/> as <paramref name="repository"/>:<paramref name="tag"/> with Dockerfile <paramref name="changes"/> (e.g. <c>CMD ["sh"]</c>).</summary>
    public async Task ImportAsync(byte[] rootfsTar, string repository, string tag, string changes, CancellationToken ct)
    {
        var query = $"images/create?fromSrc=-&repo={Uri.EscapeDataString(repository)}&tag={Uri.EscapeDataString(tag)}&changes={Uri.EscapeDataString(changes)}";
        using var content = new ByteArrayContent(rootfsTar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        using var response = await _http.PostAsync(query, content, ct);
        await EnsureSuccessAsync(response, $"importing {repository}:{tag}", ct);
        // The answer is a stream of JSON progress messages; a failure mid-way is one with "error".
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Contains("\"error\"", StringComparison.Ordinal))
            throw new CliException($"lab: dockerd on {_socket} failed importing {repository}:{tag}: {body.Trim()}");
    }

    /// <summary>Stops every running container with no grace period (SIGKILL, and no restart policy brings it back); returns how many.</summary>
    public async Task<int> StopAllAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync("containers/json", ct);
        await EnsureSuccessAsync(response, "listing containers", ct);
        using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var ids = list.RootElement.EnumerateArray().Select(c => c.GetProperty("Id").GetString()!).ToList();
        await Task.WhenAll(ids.Select(async id =>
        {
            using var stopped = await _http.PostAsync($"containers/{id}/stop?t=0", content: null, ct);
            if (stopped.StatusCode is not (HttpStatusCode.NotModified or HttpStatusCode.NotFound)) // already stopped, or gone meanwhile
                await EnsureSuccessAsync(stopped, $"stopping container {id}", ct);
        }));
        return ids.Count;
    }

    public void Dispose() => _http.Dispose();

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw new CliException($"lab: dockerd on {_socket} failed {what} ({(int)response.StatusCode}): {(await response.Content.ReadAsStringAsync(ct)).Trim()}");
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new HttpRequestException($"dockerd socket {_socket}: {e.SocketErrorCode}", e);
        }
    }
}
