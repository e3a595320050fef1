namespace Weft.Lab.Tests;

/// <summary>
/// Issue 6's scenario, set up once: a 3-host lab with one weftd per host (h1 the manager), networks secure-net
/// (<c>--opt encrypted</c>) and plain-net; enc-a (h1) and enc-b (h2) on secure-net, plain-a (h1) and plain-b (h2) on
/// plain-net; h3 takes part in neither. All through the real <c>weft</c> CLI; torn down by <c>weft lab down</c>.
/// </summary>
public sealed class EncryptedLab : CliLab
{
    public EncryptedLab()
        : base("we")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "3");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "--opt", "encrypted", "secure-net");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "plain-net");
            Must("-H", "h1", "run", "-d", "--name", "enc-a", "--network", "secure-net");
            Must("-H", "h2", "run", "-d", "--name", "enc-b", "--network", "secure-net");
            Must("-H", "h1", "run", "-d", "--name", "plain-a", "--network", "plain-net");
            Must("-H", "h2", "run", "-d", "--name", "plain-b", "--network", "plain-net");
            // `run -d` returns once its own host has plumbed the container; the other host learns of it and fetches the keys asynchronously.
            foreach (var (from, to, host) in new[] { ("enc-a", "enc-b", "h1"), ("plain-a", "plain-b", "h1") })
            {
                if (!CliLab.Eventually(() => Weft("-H", host, "exec", from, "ping", "-c", "1", "-W", "1", to).ExitCode == 0, TimeSpan.FromSeconds(15)))
                    throw new InvalidOperationException($"lab setup: {from} does not reach {to} within 15 s");
            }
            SecureVni = uint.Parse(Must("-H", "h1", "network", "inspect", "secure-net", "--format", "{{.Vni}}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
            EpochAfterJoins = Must("-H", "h1", "network", "inspect", "secure-net", "--format", "{{.KeyEpoch}}").Trim();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public uint SecureVni { get; }

    /// <summary>secure-net's key epoch once enc-a and enc-b reach each other, before any test rotates it.</summary>
    public string EpochAfterJoins { get; } = "";
}
