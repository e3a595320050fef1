namespace Weft.Lab.Tests;

/// <summary>
/// Issue 5's scenario, set up once for the overlay tests: a 3-host lab with one weftd per host (h1 the manager),
/// network app-overlay, container-a on h1 and container-b on h2, all through the real <c>weft</c> CLI. Torn down by
/// <c>weft lab down</c> (agents stopped by PID, namespaces deleted by name), also when a test failed.
/// </summary>
public sealed class OverlayLab : CliLab
{
    public OverlayLab()
        : base("wo")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "3");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "app-overlay");
            Must("-H", "h1", "run", "-d", "--name", "container-a", "--network", "app-overlay");
            Must("-H", "h2", "run", "-d", "--name", "container-b", "--network", "app-overlay");
            Vni = Must("-H", "h1", "network", "inspect", "app-overlay", "--format", "{{.Vni}}").Trim();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Vni { get; } = "";

    /// <summary>The container's overlay address as the network's inspect shows it.</summary>
    public string AddressOf(string container) => AddressOf(container, "app-overlay");

    /// <summary>The network namespace weftd made for a container on lab host <paramref name="host"/>.</summary>
    public string NamespaceOf(string container, int host) => $"{Prefix}-h{host}-c-{container}";
}
