using Weft.Lab;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// A 2-host lab whose underlay runs at MTU <see cref="UnderlayMtu"/> instead of Ethernet's 1500: the topology is made
/// first (<c>weft lab up --no-agents</c>), the hosts' eth0 and their bridge ports are set to the smaller MTU, and only then
/// are the agents started, so each weftd reads that MTU from its underlay interface. Network app-small with c1 on h1 and
/// c2 on h2. Torn down by <c>weft lab down</c> on Dispose.
/// </summary>
public sealed class UnderlayMtuLab : CliLab
{
    public const int UnderlayMtu = 1400;

    public UnderlayMtuLab()
        : base("wm")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "2", "--no-agents");
            var net = LabNames.NetNamespace(Prefix);
            var mtu = UnderlayMtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var host = 1; host <= 2; host++)
            {
                Tool.Run("ip", "-n", LabNames.HostNamespace(Prefix, host), "link", "set", LabNames.HostInterface, "mtu", mtu).EnsureSuccess("set eth0 mtu");
                Tool.Run("ip", "-n", net, "link", "set", LabNames.BridgePort(Prefix, host), "mtu", mtu).EnsureSuccess("set bridge port mtu");
            }
            Must("lab", "up", "--hosts", "2");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "app-small");
            Must("-H", "h1", "run", "-d", "--name", "c1", "--network", "app-small");
            Must("-H", "h2", "run", "-d", "--name", "c2", "--network", "app-small");
        }
        catch
        {
            Dispose();
            throw;
        }
    }
}
