using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// Issue 13's runtimes, set up once: a 2-host lab with <c>--podman --containerd</c> (each host its own podman on the CNI
/// backend and its own containerd), network pm installed for both runtimes of both hosts (conflist naming the host's own
/// weftd socket, weft-cni in the plugin directory), podman containers pa on h1 and pb on h2, and a Weft container pw on h1.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CniRuntimesLab : CliLab
{
    public CniRuntimesLab()
        : base("wo")
    {
        if (!IsRoot || !File.Exists("/usr/bin/podman") || !File.Exists("/usr/bin/ctr")) return;
        try
        {
            Must("lab", "up", "--hosts", "2", "--podman", "--containerd");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "pm");
            for (var host = 1; host <= 2; host++) Install(host, "pm");
            Podman(1, "run", "-d", "--name", "pa", "--network", "pm", Image, "sleep", "3600").EnsureSuccess("podman run pa on h1");
            Podman(2, "run", "-d", "--name", "pb", "--network", "pm", Image, "sleep", "3600").EnsureSuccess("podman run pb on h2");
            Must("-H", "h1", "run", "-d", "--name", "pw", "--network", "pm");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public const string Image = "localhost/busybox:latest";

    public string Directory(int host) => $"/run/weft/{Prefix}-h{host}/podman";

    public string ContainerdDirectory(int host) => $"/run/weft/{Prefix}-h{host}/containerd";

    /// <summary>
    /// Makes a Weft network usable by host <paramref name="host"/>'s podman and containerd the way a user does it:
    /// <c>weft -H hN cni install --conf-dir … --bin-dir … NETWORK</c> into each runtime's directories.
    /// </summary>
    public void Install(int host, string network)
    {
        foreach (var runtime in new[] { Directory(host), ContainerdDirectory(host) })
            Must("-H", $"h{host}", "cni", "install", "--conf-dir", Path.Combine(runtime, "net.d"), "--bin-dir", Path.Combine(runtime, "cni-bin"), network);
    }

    /// <summary>Runs ctr for host <paramref name="host"/> (the lab's wrapper: its containerd, its CNI directories).</summary>
    public ToolResult Ctr(int host, params string[] args) => Tool.Run(Path.Combine(ContainerdDirectory(host), "bin", "ctr"), args, TimeSpan.FromSeconds(60));

    /// <summary>Runs podman as host <paramref name="host"/>'s runtime (its CONTAINERS_CONF and storage).</summary>
    public ToolResult Podman(int host, params string[] args) =>
        Tool.Run("/usr/bin/podman", args, TimeSpan.FromSeconds(60), environment: new Dictionary<string, string>
        {
            ["CONTAINERS_CONF"] = Path.Combine(Directory(host), "containers.conf"),
            ["CONTAINERS_STORAGE_CONF"] = Path.Combine(Directory(host), "storage.conf"),
        });
}
