using System.Text.RegularExpressions;
using Weft.Lab;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft demo</c> run in process against a real lab (root): its narration carries real command output (ping replies,
/// the driver, the VNI), the VNI decoded from the captured packet equals inspect's, tshark agrees, and afterwards no
/// namespace, weftd, tcpdump or capture file of the demo is left. Observed with <c>ip netns list</c> and /proc.
/// </summary>
public sealed partial class DemoCommandTests : IDisposable
{
    private readonly string _prefix = "wt" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2));

    private Task<CliResult> Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = _prefix }, args);

    [RootFact("ip", "ping", "tcpdump")]
    public async Task DemoShowsTheOverlayAndLeavesNothingBehind()
    {
        var demo = await Weft("demo");

        Assert.True(demo.ExitCode == 0, $"demo exited {demo.ExitCode}: {demo.Err}\n{demo.Out}");
        Assert.Equal("", demo.Err);
        Assert.Contains("$ weft lab up --hosts 3\n", demo.Out); // issue 5's scenario by default
        Assert.Contains("$ weft -H h1 network inspect app-overlay --format '{{.Driver}}'\noverlay\n", demo.Out);
        Assert.Contains("1500 (h1's eth0) minus the 50 bytes VXLAN adds", demo.Out); // the lab's underlay MTU, as read
        Assert.Matches(@"VNI \d+, MTU 1450, subnet", demo.Out);
        Assert.Matches(@"64 bytes from container-b \(10\.0\.0\.\d+\): icmp_seq=\d", demo.Out);
        AssertNarratesTheDataPathInspectReports(demo.Out);
        Assert.Contains("3 packets transmitted, 3 received, 0% packet loss", demo.Out);

        var inspectVni = VniFromInspect().Match(demo.Out);
        var wireVni = VniOnTheWire().Match(demo.Out);
        Assert.True(inspectVni.Success, "no 'VNI n, MTU m' line from network inspect");
        Assert.True(wireVni.Success, "no decoded VXLAN line");
        Assert.Equal(inspectVni.Groups[1].Value, wireVni.Groups[1].Value);
        Assert.Contains($"VNI {inspectVni.Groups[1].Value}   = the VNI 'network inspect' reports for app-overlay", demo.Out);
        Assert.Matches(@"outer IPv4      198\.51\.100\.1 → 198\.51\.100\.2", demo.Out);
        Assert.Matches(@"inner IPv4      10\.0\.0\.\d+ → 10\.0\.0\.\d+   container-a → container-b", demo.Out);
        if (Tool.Find("tshark") is not null)
        {
            Assert.Contains("ICMP 148 Echo (ping) request", demo.Out);
            Assert.Matches($@"\n{inspectVni.Groups[1].Value}\t198\.51\.100\.1,10\.0\.0\.\d+\t198\.51\.100\.2,10\.0\.0\.\d+\n", demo.Out);
        }
        Assert.Contains("$ weft -H h1 network diagnose app-overlay\n", demo.Out);
        Assert.Matches(@"h2\s+198\.51\.100\.2:4789\s+OK\s+\d+ µs\s+1464", demo.Out);
        Assert.Contains($"lab '{_prefix}': removed", demo.Out);

        Assert.DoesNotContain(Namespaces(), n => n.StartsWith(_prefix + "-", StringComparison.Ordinal));
        Assert.Empty(ProcessesMentioningPrefix());
        var pcap = Regex.Match(demo.Out, @" -w (\S+underlay\.pcap) ").Groups[1].Value;
        Assert.NotEqual("", pcap);
        Assert.False(Directory.Exists(Path.GetDirectoryName(pcap)), $"capture directory {Path.GetDirectoryName(pcap)} left behind");
        Assert.False(Directory.Exists($"/run/weft/{_prefix}-h1"));
    }

    [DockerFact]
    public async Task DemoWithDockerTellsTheStoryWithRealDockerCommandsAndLeavesNothingBehind()
    {
        var demo = await Weft("demo", "--docker");

        Assert.True(demo.ExitCode == 0, $"demo exited {demo.ExitCode}: {demo.Err}\n{demo.Out}");
        Assert.Contains("$ weft lab up --hosts 3 --docker\n", demo.Out);
        Assert.Matches(@"h1\$ docker network create -d weft --ipam-driver weft app-overlay\n[0-9a-f]{64}\n", demo.Out);
        Assert.Contains("h2$ docker network inspect app-overlay --format '{{.Driver}}'\nweft\n", demo.Out); // made on h2's dockerd by weftd
        Assert.Matches(@"h2\$ docker run -d --name container-b --network app-overlay busybox sleep 3600\n[0-9a-f]{64}\n", demo.Out);
        Assert.Matches(@"app-overlay\s+10\.0\.0\.\d+\s+h2\s+docker\s+container-b", demo.Out); // weft ps
        Assert.Contains("h1$ docker exec container-a ping -c 3 container-b\n", demo.Out);
        Assert.Matches(@"PING container-b \(10\.0\.0\.\d+\)", demo.Out);
        Assert.Contains("3 packets transmitted, 3 packets received, 0% packet loss", demo.Out);
        var inspectVni = VniFromInspect().Match(demo.Out);
        Assert.True(inspectVni.Success, "no 'VNI n, MTU m' line from network inspect");
        Assert.Contains($"VNI {inspectVni.Groups[1].Value}   = the VNI 'network inspect' reports for app-overlay", demo.Out);
        Assert.Matches(@"inner Ethernet  02:42:0a:00:00:\w\w → 02:42:0a:00:00:\w\w   container-a → container-b", demo.Out);
        AssertNarratesTheDataPathInspectReports(demo.Out);
        Assert.Contains($"stopped dockerd of h1", demo.Out);

        Assert.DoesNotContain(Namespaces(), n => n.StartsWith(_prefix + "-", StringComparison.Ordinal));
        Assert.Empty(ProcessesMentioningPrefix());
        Assert.False(Directory.Exists($"/run/weft/{_prefix}-h1"));
    }

    [RootFact("ip", "ping", "tcpdump")]
    public async Task KeepLeavesAWorkingLabAndSaysHowToExploreIt()
    {
        var demo = await Weft("demo", "--keep");

        Assert.True(demo.ExitCode == 0, $"demo exited {demo.ExitCode}: {demo.Err}\n{demo.Out}");
        Assert.Contains($"WEFT_LAB_PREFIX={_prefix} ./weft lab down", demo.Out);
        Assert.DoesNotContain($"lab '{_prefix}': removed", demo.Out);
        var ping = await Weft("-H", "h1", "exec", "container-a", "ping", "-c", "1", "container-b");
        Assert.Equal(0, ping.ExitCode);
        Assert.Contains("1 received", ping.Out);
    }

    [RootFact("ip")]
    public async Task RefusesToTakeOverALabThatIsAlreadyUp()
    {
        Assert.Equal(0, (await Weft("lab", "up", "--hosts", "2", "--no-agents")).ExitCode);

        (await Weft("demo")).AssertOneLineError($"a lab '{_prefix}' is already up");
        Assert.Contains($"{_prefix}-h2", Namespaces());
    }

    [Fact]
    public async Task HostsOutOfRangeIsOneLine() => (await Weft("demo", "--hosts", "1")).AssertOneLineError("--hosts 1");

    /// <summary>
    /// The data-path step shows each container host's inspect (path and reason) as printed, and its explanation follows
    /// the path printed: the lab runs weftd's default, auto, so kernel where this kernel has vxlan and nftables.
    /// </summary>
    private static void AssertNarratesTheDataPathInspectReports(string output)
    {
        var paths = new List<string>();
        foreach (var host in new[] { "h1", "h2" })
        {
            var inspect = Regex.Match(output,
                $@"\$ weft -H {host} network inspect app-overlay --format '\{{\{{\.DataPath\}}\}}: \{{\{{\.DataPathReason\}}\}}'\n(kernel|userspace): plain");
            Assert.True(inspect.Success, $"no data path from {host}'s inspect");
            paths.Add(inspect.Groups[1].Value);
        }
        Assert.Contains(paths[0] == paths[1]
            ? $"\nh1 and h2: {Meaning(paths[0])}"
            : $"\nh1: {Meaning(paths[0])}", output);

        static string Meaning(string path) => path == "kernel" ? "the kernel's vxlan device wv" : "Weft's userspace VTEP in weftd";
    }

    private static IReadOnlyList<string> Namespaces() =>
        [.. Tool.Run("ip", ["netns", "list"]).EnsureSuccess("ip netns list").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    /// <summary>weftd, tcpdump or anything else whose command line names this test's lab.</summary>
    private List<string> ProcessesMentioningPrefix() =>
        [.. Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Select(ReadCommandLine)
            .Where(c => c.Contains($"{_prefix}-", StringComparison.Ordinal) || c.Contains($"{_prefix}br0", StringComparison.Ordinal))];

    private static string ReadCommandLine(string procDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"^VNI (\d+), MTU \d+", RegexOptions.Multiline)]
    private static partial Regex VniFromInspect();

    [GeneratedRegex(@"^  VXLAN .*VNI (\d+)", RegexOptions.Multiline)]
    private static partial Regex VniOnTheWire();

    public void Dispose()
    {
        if (Environment.UserName == "root")
        {
            Weft("lab", "down").GetAwaiter().GetResult();
            LabTopology.Down(_prefix);
        }
    }
}
