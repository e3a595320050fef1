using System.Text.RegularExpressions;
using Weft.Cli.Tests;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 6's scenario, set up once: a 3-host lab with one weftd per host (h1 the manager), networks secure-net
/// (<c>--opt encrypted</c>) and plain-net; enc-a (h1) and enc-b (h2) on secure-net, plain-a (h1) and plain-b (h2) on
/// plain-net; h3 takes part in neither. All through the real <c>weft</c> CLI; torn down by <c>weft lab down</c>.
/// </summary>
public sealed class EncryptedLab : IDisposable
{
    public EncryptedLab()
    {
        if (Environment.UserName != "root") return;
        try
        {
            Must("lab", "up", "--hosts", "3");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "--opt", "encrypted", "secure-net");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "plain-net");
            Must("-H", "h1", "run", "-d", "--name", "enc-a", "--network", "secure-net");
            Must("-H", "h2", "run", "-d", "--name", "enc-b", "--network", "secure-net");
            Must("-H", "h1", "run", "-d", "--name", "plain-a", "--network", "plain-net");
            Must("-H", "h2", "run", "-d", "--name", "plain-b", "--network", "plain-net");
            // `run -d` returns once the store has the container; its host plumbs it (and fetches the keys) asynchronously.
            foreach (var (from, to, host) in new[] { ("enc-a", "enc-b", "h1"), ("plain-a", "plain-b", "h1") })
            {
                if (!OverlayLab.Eventually(() => Weft("-H", host, "exec", from, "ping", "-c", "1", "-W", "1", to).ExitCode == 0, TimeSpan.FromSeconds(15)))
                    throw new InvalidOperationException($"lab setup: {from} does not reach {to} within 15 s");
            }
            SecureVni = uint.Parse(Must("-H", "h1", "network", "inspect", "secure-net", "--format", "{{.Vni}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix { get; } = "we" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    public uint SecureVni { get; }

    public CliResult Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = Prefix }, args).GetAwaiter().GetResult();

    /// <summary>Runs weft and returns its output; throws with its error when it fails.</summary>
    public string Must(params string[] args)
    {
        var result = Weft(args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"weft {string.Join(' ', args)} failed ({result.ExitCode}): {result.Err}{result.Out}");
        return result.Out;
    }

    /// <summary>The container's overlay address as its network's inspect shows it.</summary>
    public string AddressOf(string container, string network)
    {
        var containers = Must("-H", "h1", "network", "inspect", network, "--format", "{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}");
        return Regex.Match(containers, Regex.Escape(container) + @"=(\d+\.\d+\.\d+\.\d+)").Groups[1].Value;
    }

    public void Dispose()
    {
        if (Environment.UserName == "root") Weft("lab", "down");
    }
}
