using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Agent;

/// <summary>
/// Registers this node in the store (when it has an underlay address), heartbeats it every third of the TTL, and, as the
/// manager of its store, withdraws the endpoints of nodes that stayed down past the grace period (two TTLs).
/// </summary>
internal sealed partial class Membership(ControlPlane control, AgentOptions options, ILogger<Membership> logger) : BackgroundService
{
    public string? NodeId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(options.UnderlayAddress))
        {
            NotRegistered(logger);
            return;
        }
        var node = await control.Nodes.RegisterAsync(options.NodeName, options.UnderlayAddress, NodeRole.Manager, stoppingToken);
        NodeId = node.Id;
        Registered(logger, node.Name, node.Id, node.UnderlayAddress);
        var period = control.Nodes.HeartbeatTtl / 3;
        using var timer = new PeriodicTimer(period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await control.Nodes.HeartbeatAsync(node.Id, stoppingToken);
                foreach (var endpoint in await control.Nodes.WithdrawEndpointsOfDownNodesAsync(control.Nodes.HeartbeatTtl * 2, stoppingToken))
                {
                    Withdrew(logger, endpoint.ContainerName, endpoint.Host);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                HeartbeatFailed(logger, e, node.Name);
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "no --underlay-address: this node is not registered as a cluster member")]
    private static partial void NotRegistered(ILogger logger);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "registered node {Name} ({Id}) at underlay {Address}")]
    private static partial void Registered(ILogger logger, string name, string id, string address);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "withdrew endpoint of {Container}: its host {Host} stayed down past the grace period")]
    private static partial void Withdrew(ILogger logger, string container, string host);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "heartbeat of node {Name} failed")]
    private static partial void HeartbeatFailed(ILogger logger, Exception exception, string name);
}
