namespace Weft.Lab.Tests;

/// <summary>
/// Issue 13's first slice, set up once: a 2-host lab with network cn and a Weft container cn-b on h2; the CNI tests run the
/// real <c>weft-cni</c> binary the way a runtime does (environment, stdin, stdout) against h1's weftd, into namespaces they
/// make under the lab prefix.
/// </summary>
public sealed class CniLab : CliLab
{
    public CniLab()
        : base("wn")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "2");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "cn");
            Must("-H", "h2", "run", "-d", "--name", "cn-b", "--network", "cn");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The API socket of lab host <paramref name="host"/>'s weftd.</summary>
    public string Socket(int host) => $"/run/weft/{Prefix}-h{host}/weftd.sock";

    /// <summary>The weft-cni binary built next to the tests.</summary>
    public static string Plugin => Path.Combine(AppContext.BaseDirectory, "weft-cni");
}
