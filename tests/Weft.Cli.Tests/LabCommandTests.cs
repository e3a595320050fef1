using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary><c>weft lab up|status|down</c> on real namespaces with real weftd processes (root), observed with <c>ip netns list</c> and /proc.</summary>
[Collection(LabCliTest.Collection)]
public sealed class LabCommandTests : LabCliTest
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [RootFact("ip")]
    public async Task UpStatusDownWithoutAgents()
    {
        var up = await Weft("lab", "up", "--hosts", "2", "--no-agents");
        Assert.Equal((0, ""), (up.ExitCode, up.Err));
        Assert.Contains($"lab '{Prefix}' is up with 2 hosts", up.Out);
        Assert.Subset(Namespaces().ToHashSet(), new HashSet<string> { $"{Prefix}-net", $"{Prefix}-h1", $"{Prefix}-h2" });

        var again = await Weft("lab", "up", "--hosts", "2", "--no-agents");
        Assert.Equal($"lab '{Prefix}' is already up with 2 hosts\n", again.Out);

        var status = await Weft("lab", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("198.51.100.2", status.Out);
        Assert.Contains($"/run/weft/{Prefix}-h2/weftd.sock", status.Out);
        Assert.Contains("not running", status.Out);
        Assert.Contains($"lab '{Prefix}' is healthy", status.Out);

        var down = await Weft("lab", "down");
        Assert.Equal(0, down.ExitCode);
        Assert.Contains("removed 3 namespaces", down.Out);
        Assert.DoesNotContain(Namespaces(), n => n.StartsWith(Prefix + "-", StringComparison.Ordinal));
        Assert.Equal($"lab '{Prefix}' is not up: start it with 'weft lab up --prefix {Prefix}'\n", (await Weft("lab", "status")).Out);
    }

    [RootFact("ip")]
    public async Task UpStartsAnAgentPerHostAndFormsTheCluster()
    {
        var up = await Weft("lab", "up", "--hosts", "2");
        Assert.Equal((0, ""), (up.ExitCode, up.Err));
        Assert.Contains("h1 initialized the cluster (manager 198.51.100.1:7946)", up.Out);
        Assert.Contains("h2 joined the cluster", up.Out);
        var pids = System.Text.RegularExpressions.Regex.Matches(up.Out, @"pid (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, pids.Count);
        Assert.All(pids, pid => Assert.Contains("weftd", File.ReadAllText($"/proc/{pid}/cmdline"), StringComparison.Ordinal));
        // Every lab agent gets its own host's Docker plugin directory, dockerd socket and resolver, never the machine's defaults.
        for (var host = 1; host <= 2; host++)
        {
            var run = $"/run/weft/{Prefix}-h{host}";
            Assert.Contains($"--docker-plugin-dir\0{run}/docker-plugins\0--docker-host\0unix://{run}/docker.sock\0--host-dns\0127.0.0.153",
                File.ReadAllText($"/proc/{pids[host - 1]}/cmdline"), StringComparison.Ordinal);
            Assert.True(Directory.Exists($"{run}/docker-plugins"));
        }

        // The agents share the manager's store over the lab underlay: a network made on h1 is seen from h2.
        Assert.Equal(0, (await Weft("-H", "h1", "network", "create", "app-overlay")).ExitCode);
        Assert.Equal("app-overlay\n", (await Weft("-H", "h2", "network", "ls", "--format", "{{.Name}}")).Out);
        Assert.Equal(0, (await Weft("-H", "h2", "run", "-d", "--name", "container-b", "--network", "app-overlay")).ExitCode);
        Assert.Equal("h2=198.51.100.2 \n", (await Weft("-H", "h1", "network", "inspect", "app-overlay", "--format",
            "{{range .Peers}}{{.Name}}={{.IP}} {{end}}")).Out);
        (await Weft("-H", "h1", "exec", "container-b", "true")).AssertOneLineError("container-b runs on h2: use -H h2");

        Assert.Equal($"lab '{Prefix}' is already up with 2 hosts\n", (await Weft("lab", "up", "--hosts", "2")).Out);

        var down = await Weft("lab", "down");
        Assert.Equal(0, down.ExitCode);
        Assert.Contains($"stopped weftd of h1 (pid {pids[0]})", down.Out);
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"weftd {pid} still running"));
        Assert.False(Directory.Exists($"/run/weft/{Prefix}-h1"));
        Assert.DoesNotContain(Namespaces(), n => n.StartsWith(Prefix + "-", StringComparison.Ordinal));
    }

    [RootFact("ip")]
    public async Task PrefixOptionNamesTheLabForUpStatusAndDown()
    {
        Assert.Empty(LabNamespaces());

        // No WEFT_LAB_PREFIX here: only --prefix names the lab.
        var up = await CliResult.RunAsync(NoEnvironment, "lab", "up", "--hosts", "2", "--no-agents", "--prefix", Prefix);
        Assert.Equal((0, ""), (up.ExitCode, up.Err));
        Assert.Contains($"lab '{Prefix}' is up with 2 hosts", up.Out);
        Assert.Equal([$"{Prefix}-h1", $"{Prefix}-h2", $"{Prefix}-net"], LabNamespaces().Order(StringComparer.Ordinal));

        // --prefix beats both the global --lab-prefix and WEFT_LAB_PREFIX.
        var status = await CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = "wtenv" },
            "--lab-prefix", "wtflag", "lab", "status", "--prefix", Prefix);
        Assert.Equal((0, ""), (status.ExitCode, status.Err));
        Assert.Contains($"{Prefix}-h2", status.Out);
        Assert.Contains("198.51.100.2", status.Out);
        Assert.Contains($"lab '{Prefix}' is healthy", status.Out);

        var down = await CliResult.RunAsync(NoEnvironment, "lab", "down", "--prefix", Prefix);
        Assert.Equal((0, ""), (down.ExitCode, down.Err));
        Assert.Contains($"lab '{Prefix}': removed 3 namespaces", down.Out);
        Assert.Empty(LabNamespaces());
    }

    [RootFact("ip")]
    public async Task DownWithNothingUpSaysSoAndExitsZero()
    {
        Assert.Empty(LabNamespaces()); // a fresh random prefix: nothing of this lab exists

        var down = await CliResult.RunAsync(NoEnvironment, "lab", "down", "--prefix", Prefix);

        Assert.Equal((0, $"lab '{Prefix}': nothing to remove\n", ""), (down.ExitCode, down.Out, down.Err));
        Assert.Empty(LabNamespaces());
    }

    [Fact]
    public async Task DockerWithoutAgentsIsRefusedBeforeAnythingIsMade()
    {
        (await Weft("lab", "up", "--docker", "--no-agents")).AssertOneLineError("--docker needs the agents");
        if (Environment.UserName == "root")
            Assert.Empty(LabNamespaces());
    }

    [RootFact("ip")]
    public async Task EnvNamesOnlyHostsOfALabThatIsUp()
    {
        (await Weft("lab", "env", "h1")).AssertOneLineError($"lab '{Prefix}' has no host 'h1': start it with 'weft lab up --prefix {Prefix}'");
        await MustAsync("lab", "up", "--hosts", "1", "--no-agents");
        Assert.Equal($"export DOCKER_HOST=unix:///run/weft/{Prefix}-h1/docker.sock\nexport WEFT_HOST=/run/weft/{Prefix}-h1/weftd.sock\n", await MustAsync("lab", "env", "h1"));
        (await Weft("lab", "env", "h2")).AssertOneLineError($"lab '{Prefix}' has no host 'h2'; its hosts are h1");
    }

    [Fact]
    public async Task BadPrefixIsOneLine() =>
        (await CliResult.RunAsync(new Dictionary<string, string>(), "--lab-prefix", "bad-prefix!", "lab", "status")).AssertOneLineError("lab prefix 'bad-prefix!'");
}
