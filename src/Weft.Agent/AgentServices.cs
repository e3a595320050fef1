using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Weft.Api.Dto;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Agent;

/// <summary>The control plane behind the API (SQLite store under --data-dir) and the endpoint map.</summary>
internal static class AgentServices
{
    public const string StoreFileName = "store.db";

    /// <summary>VXLAN adds 50 bytes (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8).</summary>
    public const int VxlanOverhead = 50;

    public static void Add(IServiceCollection services, AgentOptions options)
    {
        services.AddSingleton<IClusterStore>(_ => new SqliteClusterStore(Path.Combine(options.DataDir, StoreFileName)));
        services.AddSingleton(provider => new ControlPlane(provider.GetRequiredService<IClusterStore>(), new ControlPlaneOptions
        {
            DefaultMtu = UnderlayMtu(options.UnderlayAddress) - VxlanOverhead,
            DefaultPool = options.DefaultAddressPool,
        }));
        services.AddSingleton<Membership>();
        services.AddHostedService(provider => provider.GetRequiredService<Membership>());
    }

    public static void MapEndpoints(WebApplication app, AgentOptions options)
    {
        var control = app.Services.GetRequiredService<ControlPlane>();
        var membership = app.Services.GetRequiredService<Membership>();
        app.MapSystem(options, async ct => (
            (await control.Networks.ListAsync(ct)).Count,
            (await control.Endpoints.ListContainersAsync(ct)).Count,
            new ClusterInfo(),
            membership.NodeId ?? ""));
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
