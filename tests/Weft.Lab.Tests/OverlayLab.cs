using System.Text.RegularExpressions;
using Weft.Cli.Tests;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 5's scenario, set up once for the overlay tests: a 3-host lab with one weftd per host (h1 the manager),
/// network app-overlay, container-a on h1 and container-b on h2, all through the real <c>weft</c> CLI. Torn down by
/// <c>weft lab down</c> (agents stopped by PID, namespaces deleted by name), also when a test failed.
/// </summary>
public sealed class OverlayLab : IDisposable
{
    public OverlayLab()
    {
        if (Environment.UserName != "root") return;
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

    public string Prefix { get; } = "wo" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    public string Vni { get; } = "";

    public CliResult Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = Prefix }, args).GetAwaiter().GetResult();

    /// <summary>Runs weft and returns its output; throws with its error when it fails.</summary>
    public string Must(params string[] args)
    {
        var result = Weft(args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"weft {string.Join(' ', args)} failed ({result.ExitCode}): {result.Err}{result.Out}");
        return result.Out;
    }

    /// <summary>The container's overlay address as the network's inspect shows it.</summary>
    public string AddressOf(string container, string network = "app-overlay")
    {
        var containers = Must("-H", "h1", "network", "inspect", network, "--format", "{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}");
        return Regex.Match(containers, Regex.Escape(container) + @"=(\d+\.\d+\.\d+\.\d+)").Groups[1].Value;
    }

    /// <summary>The network namespace weftd made for a container on lab host <paramref name="host"/>.</summary>
    public string NamespaceOf(string container, int host) => $"{Prefix}-h{host}-c-{container}";

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }

    public void Dispose()
    {
        if (Environment.UserName == "root") Weft("lab", "down");
    }
}
