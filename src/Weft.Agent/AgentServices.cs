using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Agent;

/// <summary>The agent's state (control plane over the local SQLite store or the cluster's) and the endpoint map.</summary>
internal static class AgentServices
{
    public const string StoreFileName = "store.db";

    /// <summary>VXLAN adds 50 bytes (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8).</summary>
    public const int VxlanOverhead = 50;

    public static void Add(IServiceCollection services, AgentOptions options)
    {
        services.AddSingleton<IClusterStore>(_ => new SqliteClusterStore(Path.Combine(options.DataDir, StoreFileName)));
        services.AddSingleton(new ControlPlaneOptions
        {
            DefaultMtu = UnderlayMtu(options.UnderlayAddress) - VxlanOverhead,
            DefaultPool = options.DefaultAddressPool,
        });
        services.AddSingleton<AgentState>();
        services.AddSingleton<Membership>();
        services.AddHostedService(provider => provider.GetRequiredService<Membership>());
    }

    public static void MapEndpoints(WebApplication app, AgentOptions options)
    {
        var state = app.Services.GetRequiredService<AgentState>();
        state.Resume();
        var membership = app.Services.GetRequiredService<Membership>();
        app.MapSystem(options, async ct => (
            (await state.Control.Networks.ListAsync(ct)).Count,
            (await state.Control.Endpoints.ListContainersAsync(ct)).Count,
            state.Info,
            membership.NodeId ?? state.Info.NodeID));
        app.MapNetworks();
        app.MapContainers(options);
        app.MapCluster();
    }

    /// <summary>MTU of the interface holding the underlay address; 1500 when unknown.</summary>
    public static int UnderlayMtu(string underlayAddress)
    {
        if (!IPAddress.TryParse(underlayAddress, out var address))
        {
            return 1500;
        }
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var properties = nic.GetIPProperties();
            if (properties.UnicastAddresses.Any(u => u.Address.Equals(address)))
            {
                return properties.GetIPv4Properties()?.Mtu ?? 1500;
            }
        }
        return 1500;
    }
}
