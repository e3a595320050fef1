using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Weft.Control.Errors;

namespace Weft.Agent.Docker;

/// <summary>
/// The routes of Docker's plugin protocol (<c>POST /Plugin.Activate</c>, <c>/NetworkDriver.*</c>, <c>/IpamDriver.*</c>),
/// served only on the plugin socket. Bodies are read whatever their content type (dockerd sends none); a failure is
/// answered 500 with <c>{"Err": message}</c>, which dockerd passes on to the user, so it is Weft's one-line message.
/// </summary>
internal static partial class DockerPluginEndpoints
{
    /// <summary>Set on the connections of the plugin socket (the API socket does not serve Docker's plugin routes).</summary>
    public const string ConnectionMark = "weft.docker-plugin";

    private const string ContentType = "application/vnd.docker.plugins.v1.2+json";
    private static readonly EmptyResponse Empty = new();

    public static void MapDockerPlugin(this IEndpointRouteBuilder app)
    {
        var routes = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            OnPluginSocket(context.HttpContext) ? await next(context) : Results.NotFound());
        var json = PluginJsonContext.Default;

        Map(routes, "/Plugin.Activate", json.EmptyResponse, json.PluginActivation, (_, _, _) =>
            Task.FromResult(new PluginActivation(["NetworkDriver", "IpamDriver"])));

        Map(routes, "/NetworkDriver.GetCapabilities", json.EmptyResponse, json.DriverCapabilities, (_, _, _) => Task.FromResult(DockerNetworkDriver.Capabilities));
        Map(routes, "/NetworkDriver.CreateNetwork", json.CreateNetworkRequest, json.EmptyResponse, async (r, s, ct) =>
        {
            await s.GetRequiredService<DockerNetworkDriver>().CreateNetworkAsync(r, ct);
            return Empty;
        });
        Map(routes, "/NetworkDriver.DeleteNetwork", json.NetworkRequest, json.EmptyResponse, async (r, s, ct) =>
        {
            await s.GetRequiredService<DockerNetworkDriver>().DeleteNetworkAsync(r, ct);
            return Empty;
        });
        Map(routes, "/NetworkDriver.CreateEndpoint", json.CreateEndpointRequest, json.CreateEndpointResponse, (r, s, ct) =>
            s.GetRequiredService<DockerNetworkDriver>().CreateEndpointAsync(r, ct));
        Map(routes, "/NetworkDriver.DeleteEndpoint", json.EndpointRequest, json.EmptyResponse, async (r, s, ct) =>
        {
            await s.GetRequiredService<DockerNetworkDriver>().DeleteEndpointAsync(r, ct);
            return Empty;
        });
        Map(routes, "/NetworkDriver.EndpointOperInfo", json.EndpointRequest, json.OperationalInfo, (_, _, _) => Task.FromResult(new OperationalInfo([])));
        Map(routes, "/NetworkDriver.Join", json.JoinRequest, json.JoinResponse, (r, s, ct) => s.GetRequiredService<DockerNetworkDriver>().JoinAsync(r, ct));
        // Leave: dockerd takes the interface out of its container after this; DeleteEndpoint then removes the veth.
        foreach (var nothing in (string[])["/NetworkDriver.Leave", "/NetworkDriver.DiscoverNew", "/NetworkDriver.DiscoverDelete",
                     "/NetworkDriver.ProgramExternalConnectivity", "/NetworkDriver.RevokeExternalConnectivity"])
            Map(routes, nothing, json.EmptyResponse, json.EmptyResponse, (_, _, _) => Task.FromResult(Empty));

        Map(routes, "/IpamDriver.GetCapabilities", json.EmptyResponse, json.IpamCapabilities, (_, _, _) => Task.FromResult(new IpamCapabilities(false, false)));
        Map(routes, "/IpamDriver.GetDefaultAddressSpaces", json.EmptyResponse, json.AddressSpaces, (_, _, _) => Task.FromResult(DockerIpamDriver.AddressSpaces));
        Map(routes, "/IpamDriver.RequestPool", json.RequestPoolRequest, json.RequestPoolResponse, (r, s, ct) =>
            s.GetRequiredService<DockerIpamDriver>().RequestPoolAsync(r, ct));
        Map(routes, "/IpamDriver.RequestAddress", json.RequestAddressRequest, json.RequestAddressResponse, (r, s, ct) =>
            s.GetRequiredService<DockerIpamDriver>().RequestAddressAsync(r, ct));
        Map(routes, "/IpamDriver.ReleasePool", json.ReleasePoolRequest, json.EmptyResponse, async (r, s, ct) =>
        {
            await s.GetRequiredService<DockerIpamDriver>().ReleasePoolAsync(r, ct);
            return Empty;
        });
        Map(routes, "/IpamDriver.ReleaseAddress", json.ReleaseAddressRequest, json.EmptyResponse, async (r, s, ct) =>
        {
            await s.GetRequiredService<DockerIpamDriver>().ReleaseAddressAsync(r, ct);
            return Empty;
        });
    }

    private static void Map<TRequest, TResponse>(RouteGroupBuilder routes, string path, JsonTypeInfo<TRequest> request, JsonTypeInfo<TResponse> response,
        Func<TRequest, IServiceProvider, CancellationToken, Task<TResponse>> handler)
        where TRequest : new()
    {
        routes.MapPost(path, async (HttpContext context) =>
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Weft.Docker");
            context.Response.ContentType = ContentType;
            TRequest body;
            try
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                body = buffer.Length == 0 ? new TRequest() : JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), request) ?? new TRequest();
            }
            catch (JsonException e)
            {
                await Fail(context, StatusCodes.Status400BadRequest, $"{path}: the request is not the JSON Docker sends: {e.Message}");
                return;
            }
            try
            {
                var result = await handler(body, context.RequestServices, context.RequestAborted);
                await JsonSerializer.SerializeAsync(context.Response.Body, result, response, context.RequestAborted);
            }
            catch (Exception e) when (e is WeftException or NotAvailableException or InvalidOperationException or Weft.Linux.LinuxException
                                          or global::Docker.DotNet.DockerApiException or HttpRequestException)
            {
                LogRefused(logger, path, e.Message);
                await Fail(context, StatusCodes.Status500InternalServerError, e.Message);
            }
        });
    }

    private static Task Fail(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return JsonSerializer.SerializeAsync(context.Response.Body, new PluginError(message), PluginJsonContext.Default.PluginError);
    }

    private static bool OnPluginSocket(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ConnectionMark) == true;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker plugin: {Path} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
