using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 11's lab, set up once: 3 hosts, each with its weftd and a real dockerd (<c>weft lab up --docker</c>: Debian's
/// dockerd 20.10, a busybox image imported from busybox-static). app-overlay is made with <c>weft network create</c>,
/// secure-d with <c>docker network create -d weft --ipam-driver weft -o encrypted</c> on h2, other-d likewise on h3; both
/// reach every host's dockerd through weftd. Torn down by <c>weft lab down</c>, which stops the dockerds too.
/// </summary>
public sealed class DockerScenarioLab : CliLab
{
    public DockerScenarioLab()
        : base("wd")
    {
        if (!IsRoot || Tool.Find("dockerd") is null) return;
        try
        {
            Must("lab", "up", "--hosts", "3", "--docker");
            Must("-H", "h1", "network", "create", "app-overlay");
            Docker(2, "network", "create", "-d", "weft", "--ipam-driver", "weft", "-o", "encrypted", "secure-d").EnsureSuccess("create secure-d");
            Docker(3, "network", "create", "-d", "weft", "--ipam-driver", "weft", "other-d").EnsureSuccess("create other-d");
            foreach (var host in new[] { 1, 2, 3 })
            {
                if (!Eventually(() => Networks(host).Contains("app-overlay") && Networks(host).Contains("secure-d") && Networks(host).Contains("other-d"), TimeSpan.FromSeconds(20)))
                    throw new InvalidOperationException($"lab setup: h{host}'s dockerd did not get the three weft networks: {Networks(host)}");
            }
            Run(1, "container-a", "app-overlay");
            Run(2, "container-b", "app-overlay");
            Run(3, "container-c", "app-overlay");
            // Docker names a container to its plugin only after the join, so each host's resolver learns the names a moment later.
            foreach (var (host, from, to) in new[] { (1, "container-a", "container-c"), (3, "container-c", "container-a"), (2, "container-b", "container-c") })
            {
                if (!Eventually(() => Docker(host, "exec", from, "ping", "-c", "1", "-W", "1", to).ExitCode == 0, TimeSpan.FromSeconds(15)))
                    throw new InvalidOperationException($"lab setup: {from} does not reach {to} by name within 15 s");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The socket of host h<paramref name="host"/>'s dockerd.</summary>
    public string DockerSocket(int host) => $"/run/weft/{Prefix}-h{host}/docker.sock";

    /// <summary>Runs Debian's docker CLI against host h<paramref name="host"/>'s dockerd.</summary>
    public ToolResult Docker(int host, params string[] args) =>
        Tool.Run("docker", ["-H", $"unix://{DockerSocket(host)}", .. args], TimeSpan.FromSeconds(60));

    /// <summary>Like <see cref="Docker"/>, returning its output; throws with its error when it fails.</summary>
    public string MustDocker(int host, params string[] args) => Docker(host, args).EnsureSuccess($"docker {string.Join(' ', args)} on h{host}").StdOut;

    /// <summary><c>docker run -d --name NAME --network NETWORK [extra] busybox sleep 3600</c> on host h<paramref name="host"/>.</summary>
    public string Run(int host, string name, string network, params string[] extra) =>
        MustDocker(host, ["run", "-d", "--name", name, "--network", network, .. extra, "busybox", "sleep", "3600"]).Trim();

    /// <summary>A container's address on a network, as dockerd reports it.</summary>
    public string DockerAddress(int host, string container, string network) =>
        MustDocker(host, "inspect", container, "--format", $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}").Trim();

    private string Networks(int host) => Docker(host, "network", "ls", "--format", "{{.Name}}").StdOut;
}
