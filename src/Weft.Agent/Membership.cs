using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Weft.Control.Model;
using Weft.Control.Services;

namespace Weft.Agent;

/// <summary>
/// Keeps this node registered and alive in whichever store the agent currently uses (control's NodeService: a lease that
/// heartbeats renew), re-registering after cluster init/join/leave switched it; the manager (or a standalone agent)
/// also withdraws the endpoints of nodes it has seen down for the grace period (two TTLs, on its own clock).
/// Heartbeats go out every third of the TTL (at most a second apart). Needs --underlay-address.
/// </summary>
internal sealed partial class Membership(AgentState state, AgentOptions options, ILogger<Membership> logger) : BackgroundService
{
    public string? NodeId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(options.UnderlayAddress))
        {
            NotRegistered(logger);
            return;
        }
        ControlPlane? registeredOn = null;
        Node? node = null;
        using var timer = new PeriodicTimer(HeartbeatPeriod(options.HeartbeatTtl));
        do
        {
            try
            {
                var control = state.Control;
                if (!ReferenceEquals(control, registeredOn) || node is null)
                {
                    var role = state.Role == ClusterRole.Worker ? NodeRole.Worker : NodeRole.Manager;
                    node = await control.Nodes.RegisterAsync(options.NodeName, options.UnderlayAddress, role, stoppingToken);
                    registeredOn = control;
                    NodeId = node.Id;
                    Registered(logger, node.Name, node.Id, node.UnderlayAddress, state.Role.ToString());
                    continue;
                }
                await control.Nodes.HeartbeatAsync(node.Id, stoppingToken);
                if (state.Role != ClusterRole.Worker)
                {
                    foreach (var endpoint in await control.Nodes.WithdrawEndpointsOfDownNodesAsync(control.Nodes.HeartbeatTtl * 2, stoppingToken))
                    {
                        Withdrew(logger, endpoint.ContainerName, endpoint.Host);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                node = null;
                HeartbeatFailed(logger, e, options.NodeName);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>A third of the TTL, so two heartbeats may be late before the node shows down; at most one second.</summary>
    public static TimeSpan HeartbeatPeriod(TimeSpan ttl) => TimeSpan.FromTicks(Math.Clamp(ttl.Ticks / 3, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "no --underlay-address: this node is not registered as a cluster member")]
    private static partial void NotRegistered(ILogger logger);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "registered node {Name} ({Id}) at underlay {Address} as {Role}")]
    private static partial void Registered(ILogger logger, string name, string id, string address, string role);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "withdrew endpoint of {Container}: its host {Host} stayed down past the grace period")]
    private static partial void Withdrew(ILogger logger, string container, string host);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "heartbeat of node {Name} failed")]
    private static partial void HeartbeatFailed(ILogger logger, Exception exception, string name);
}
