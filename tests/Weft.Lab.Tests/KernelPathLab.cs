using Weft.DataPlane.Host;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 12's scenario, set up once: a 4-host lab where h1 and h2 run weftd with <c>--data-path kernel</c>, h3 with
/// <c>userspace</c> and h4 with <c>auto</c>; network kp with kp-a (h1), kp-b (h2) and kp-c (h3); h4 is a member without a
/// container on kp. h5 is a lab host namespace on the same underlay with no agent: a machine outside the cluster.
/// </summary>
public sealed class KernelPathLab : CliLab
{
    public KernelPathLab()
        : base("wk")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "4", "--data-path", "kernel,kernel,userspace,auto");
            LabTopology.Up(Prefix, 5); // h5: on the underlay, not in the cluster
            Must("-H", "h1", "network", "create", "--driver", "overlay", "kp");
            Must("-H", "h1", "run", "-d", "--name", "kp-a", "--network", "kp");
            Must("-H", "h2", "run", "-d", "--name", "kp-b", "--network", "kp");
            Must("-H", "h3", "run", "-d", "--name", "kp-c", "--network", "kp");
            foreach (var (from, to, host) in new[] { ("kp-a", "kp-b", "h1"), ("kp-a", "kp-c", "h1"), ("kp-c", "kp-b", "h3") })
            {
                if (!Eventually(() => Weft("-H", host, "exec", from, "ping", "-c", "1", "-W", "1", to).ExitCode == 0, TimeSpan.FromSeconds(15)))
                    throw new InvalidOperationException($"lab setup: {from} does not reach {to} within 15 s");
            }
            Vni = uint.Parse(Must("-H", "h1", "network", "inspect", "kp", "--format", "{{.Vni}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public uint Vni { get; }

    /// <summary>The network's sandbox namespace on lab host <paramref name="host"/>.</summary>
    public string Sandbox(int host) => $"{Prefix}-h{host}-n{Vni}";

    /// <summary>The kernel vxlan device of the network (in its sandbox).</summary>
    public string Device => HostNames.KernelVxlan(Vni);

    public string NamespaceOf(string container, int host) => $"{Prefix}-h{host}-c-{container}";
}
