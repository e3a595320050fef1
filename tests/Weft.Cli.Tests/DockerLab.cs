using Weft.Lab;
using Weft.Linux.Processes;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// One 2-host lab with real Docker for a whole test class: <c>weft lab up --hosts 2 --docker</c> under a fresh prefix
/// ("wd" + 4 random hex), one dockerd per host. Taken before it: the root namespace's snapshot and which of Docker's
/// fixed paths already exist on the shared filesystem. Torn down by <c>weft lab down</c> and then by deleting the
/// namespaces by name, also when a test (or the lab's start) failed. A no-op when not root or Docker is not installed
/// (the tests are skipped then).
/// </summary>
public sealed class DockerLab : IAsyncLifetime
{
    /// <summary>
    /// Where a dockerd writes on the shared filesystem unless kept in its own mount namespace, and the machine's own
    /// Docker's places, which the lab must not touch either.
    /// </summary>
    public static readonly string[] StrayPaths =
        ["/etc/docker/key.json", "/run/docker", "/run/docker/plugins", "/run/containerd", "/run/mount", "/run/docker.sock",
         "/var/run/docker", "/var/run/docker.sock", "/var/lib/docker"];

    private readonly LabCli _cli = new("wd");

    public string Prefix => _cli.Prefix;

    public bool Active { get; private set; }

    public RootNamespaceSnapshot? RootBefore { get; private set; }

    /// <summary>Those of <see cref="StrayPaths"/> that existed before the lab (another lab or the machine may own them).</summary>
    public IReadOnlySet<string> StrayBefore { get; private set; } = new HashSet<string>();

    public string RunDirectory(int host) => $"/run/weft/{Prefix}-h{host}";

    public string Socket(int host) => $"{RunDirectory(host)}/docker.sock";

    public Task<CliResult> Weft(params string[] args) => _cli.RunAsync(args);

    public Task<string> MustAsync(params string[] args) => _cli.MustAsync(args);

    /// <summary>The docker client on PATH, on host <paramref name="host"/>'s dockerd.</summary>
    public ToolResult Docker(int host, params string[] args) => Tool.Run("docker", ["-H", "unix://" + Socket(host), .. args]);

    public string MustDocker(int host, params string[] args) => Docker(host, args).EnsureSuccess($"docker (h{host}) {string.Join(' ', args)}").StdOut;

    /// <summary>The PID in the host's dockerd pid file.</summary>
    public int DockerdPid(int host) => int.Parse(File.ReadAllText($"{RunDirectory(host)}/dockerd.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        if (!Credentials.IsRoot || DockerFactAttribute.Tools.Any(t => Tool.Find(t) is null))
            return;
        Active = true;
        RootBefore = RootNamespaceSnapshot.Take();
        StrayBefore = StrayPaths.Where(Exists).ToHashSet();
        try
        {
            await MustAsync("lab", "up", "--hosts", "2", "--docker");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (!Active) return;
        await Weft("lab", "down");
        LabTopology.Down(Prefix);
    }

    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
}
