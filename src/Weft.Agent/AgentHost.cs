// Design note: weftd is an ASP.NET Core minimal-API app on Kestrel bound to a Unix socket
// (ListenUnixSocket), like dockerd's API socket: HTTP/1.1 + JSON, routes shaped like Docker's, errors as
// {"message"} (ErrorMapping). The socket directory is created, a stale socket file (no listener) is
// replaced, a live one is refused, and the socket is made mode 0660 once Kestrel has bound it.
// Build() returns the WebApplication unstarted so tests run a real agent in process on a temp socket.
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Agent.Docker;
using Weft.Api;

namespace Weft.Agent;

public static class AgentHost
{
    public const UnixFileMode SocketMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    public const UnixFileMode DataDirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Builds a ready-to-run agent; <paramref name="configureLogging"/> lets tests quiet it.</summary>
    public static WebApplication Build(AgentOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The data directory holds the store (on the manager: encrypted networks' keys under secrets/) and the nonce counter:
        // root only (0700), also when it already existed.
        Directory.CreateDirectory(options.DataDir, DataDirMode);
        File.SetUnixFileMode(options.DataDir, DataDirMode);
        PrepareSocketPath(options.SocketPath);
        var pluginSocket = AgentServices.DockerPluginSocket(options);
        if (pluginSocket is not null) PrepareSocketPath(pluginSocket);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDir });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(options.SocketPath);
            if (pluginSocket is not null) // dockerd finds the plugin by this file; its connections are marked for the plugin routes
                kestrel.ListenUnixSocket(pluginSocket, listen => listen.Use(next => connection =>
                {
                    connection.Items[DockerPluginEndpoints.ConnectionMark] = true;
                    return next(connection);
                }));
        });
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, WeftApiJsonContext.Default);
            json.SerializerOptions.Encoder = WeftApiJson.Options.Encoder;
            json.SerializerOptions.PropertyNamingPolicy = null;
        });
        builder.Services.Configure<RouteHandlerOptions>(route => route.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(options);
        AgentServices.Add(builder.Services, options);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("weftd");
        app.UseWeftErrors(logger);
        AgentServices.MapEndpoints(app, options);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            File.SetUnixFileMode(options.SocketPath, SocketMode);
            if (pluginSocket is not null) File.SetUnixFileMode(pluginSocket, SocketMode);
            Log.Listening(logger, SystemEndpoints.Version, options.SocketPath, options.NodeName, options.DataDir);
        });
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            File.Delete(options.SocketPath);
            if (pluginSocket is not null) File.Delete(pluginSocket);
        });
        return app;
    }

    private static void PrepareSocketPath(string socketPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(socketPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        if (!File.Exists(socketPath))
        {
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException)
        {
            File.Delete(socketPath);
            return;
        }
        throw new InvalidOperationException($"start weftd: another agent is already listening on unix://{socketPath}; stop it first or pick another --socket");
    }
}
