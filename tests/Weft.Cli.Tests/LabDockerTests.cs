using System.Text.RegularExpressions;
using Weft.Agent.Tests;
using Weft.Linux.Processes;
using Weft.TestSupport;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft lab up --docker</c>, <c>lab env</c> and <c>lab down</c> with real dockerd processes (Debian's docker.io) on one
/// 2-host lab (<see cref="DockerLab"/>), observed with the docker client, bash, stat, ps and /proc. The last test takes
/// the lab down and checks that nothing of it is left.
/// </summary>
[Collection(LabCliTest.Collection)]
[TestCaseOrderer(TestOrderer.Name, TestOrderer.Assembly)]
public sealed class LabDockerTests(DockerLab lab) : IClassFixture<DockerLab>
{
    [DockerFact]
    [TestOrder(1)]
    public void EachHostsDockerdAnswersWithVfsAndItsOwnDataRoot()
    {
        for (var host = 1; host <= 2; host++)
        {
            Assert.Equal($"vfs {lab.RunDirectory(host)}/docker-data\n", lab.MustDocker(host, "info", "--format", "{{.Driver}} {{.DockerRootDir}}"));
        }
        Assert.NotEqual(lab.MustDocker(1, "info", "--format", "{{.ID}}"), lab.MustDocker(2, "info", "--format", "{{.ID}}"));
    }

    [DockerFact]
    [TestOrder(1)]
    public void EachDockerdSeesItsHostsPluginDirectoryAndResolverAndRunsInItsNamespace()
    {
        for (var host = 1; host <= 2; host++)
        {
            var pid = lab.DockerdPid(host);
            var root = $"/proc/{pid}/root";
            Assert.Equal(Stat("%d:%i", $"{lab.RunDirectory(host)}/docker-plugins"), Stat("%d:%i", $"{root}/run/docker/plugins"));
            Assert.Equal("nameserver 127.0.0.153\n", File.ReadAllText($"{root}/etc/resolv.conf"));
            Assert.Equal(Stat("%d:%i", $"{lab.RunDirectory(host)}/etc-docker"), Stat("%d:%i", $"{root}/etc/docker"));
            Assert.NotEqual(Stat("%d", "/run"), Stat("%d", $"{root}/run")); // its /run is its own, not the machine's
            Assert.Equal(Stat("%i", $"/run/netns/{lab.Prefix}-h{host}"), Stat("%i", $"/proc/{pid}/ns/net")); // the host's network namespace
        }
    }

    [DockerFact]
    [TestOrder(1)]
    public void NothingOfDockerAppearsOnTheSharedFilesystemWhileTheLabRuns()
    {
        Assert.All(DockerLab.StrayPaths.Where(p => !lab.StrayBefore.Contains(p)), p => Assert.False(DockerLab.Exists(p), $"{p} appeared while the lab runs"));
    }

    [DockerFact]
    [TestOrder(1)]
    public void BusyboxRunsOnEachHostWithTheAppletsTheLabPromises()
    {
        for (var host = 1; host <= 2; host++)
        {
            Assert.Equal("hi\n", lab.MustDocker(host, "run", "--rm", "--network", "none", "busybox", "echo", "hi"));
        }
        const string applets = "sh ping nslookup wget nc ip ifconfig cat sleep hostname dd md5sum sha256sum httpd route seq";
        var found = lab.MustDocker(1, "run", "--rm", "--network", "none", "busybox", "sh", "-c",
            $"for a in {applets}; do command -v $a >/dev/null && echo $a; done; test -d /tmp && echo tmp");
        Assert.Equal([.. applets.Split(' '), "tmp"], found.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("[sh]\n", lab.MustDocker(2, "image", "inspect", "busybox:latest", "--format", "{{.Config.Cmd}}"));
    }

    [DockerFact]
    [TestOrder(1)]
    public void TheTwoDockerdsAreSeparate()
    {
        var name = "only-on-h1";
        try
        {
            lab.MustDocker(1, "run", "-d", "--network", "none", "--name", name, "busybox", "sleep", "300");
            Assert.Contains(name, lab.MustDocker(1, "ps", "-a", "--format", "{{.Names}}").Split('\n'));
            Assert.DoesNotContain(name, lab.MustDocker(2, "ps", "-a", "--format", "{{.Names}}").Split('\n'));
        }
        finally
        {
            lab.Docker(1, "rm", "-f", name);
        }
    }

    [DockerFact]
    [TestOrder(1)]
    public async Task LabEnvMakesDockerAndWeftReachThatHost()
    {
        var env = await lab.MustAsync("lab", "env", "h2");
        Assert.Equal($"export DOCKER_HOST=unix://{lab.Socket(2)}\nexport WEFT_HOST={lab.RunDirectory(2)}/weftd.sock\n", env);

        // eval'd by bash over a DOCKER_HOST that points nowhere: docker reaches h2's dockerd.
        var root = Tool.Run("bash", "-c", "export DOCKER_HOST=unix:///nonexistent.sock; eval \"$1\"; docker info --format '{{.DockerRootDir}}'", "bash", env)
            .EnsureSuccess("bash eval of lab env h2");
        Assert.Equal($"{lab.RunDirectory(2)}/docker-data\n", root.StdOut);

        var weftHost = Regex.Match(env, "^export WEFT_HOST=(.+)$", RegexOptions.Multiline).Groups[1].Value;
        var info = await CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_HOST"] = weftHost }, "info", "--format", "{{.Name}}");
        Assert.Equal((0, "h2\n"), (info.ExitCode, info.Out));

        (await lab.Weft("lab", "env", "h3")).AssertOneLineError($"lab '{lab.Prefix}' has no host 'h3'; its hosts are h1, h2");
    }

    [DockerFact]
    [TestOrder(2)]
    public async Task ADockerdKilledWithSigkillIsCleanedUpAfterAndRestartedAndARunningOneIsLeftAlone()
    {
        lab.MustDocker(1, "run", "-d", "--network", "none", "--name", "outlives-dockerd", "busybox", "sleep", "300");
        var container = int.Parse(lab.MustDocker(1, "inspect", "--format", "{{.State.Pid}}", "outlives-dockerd").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var shim = Assert.Single(LabProcesses(), p => p.CommandLine.Contains("containerd-shim", StringComparison.Ordinal) && p.CommandLine.Contains($"{lab.RunDirectory(1)}/", StringComparison.Ordinal)).Pid;
        var killed = lab.DockerdPid(1);
        var untouched = lab.DockerdPid(2);
        ProcessSignals.Send(killed, ProcessSignals.SIGKILL);
        Assert.True(await Eventually.WaitAsync(() => Task.FromResult(Ps(killed)), s => s is "" or "Z", TimeSpan.FromSeconds(5)) is "" or "Z", $"dockerd {killed} survived SIGKILL");
        Assert.True(Ps(shim) is not ("" or "Z") && Ps(container) is not ("" or "Z"), "the shim and the container outlive a dockerd killed with -9");

        var status = await lab.Weft("lab", "status");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains($"dead (pid {killed} gone)", status.Out);
        Assert.Contains($"run 'weft lab up --prefix {lab.Prefix} --docker' to repair it", status.Out);

        var up = await lab.MustAsync("lab", "up", "--hosts", "2", "--docker");
        Assert.Contains($"dockerd of h1 (pid {killed}) had died", up);
        Assert.Matches($@"killed \d+ leftover process\(es\) of h1's Docker \(pid [0-9, ]*\b{shim}\b", up);
        Assert.True(Ps(shim) is ("" or "Z") && Ps(container) is ("" or "Z"), "the old shim and container were killed");
        Assert.Contains($"restarted dockerd in {lab.Prefix}-h1", up);
        Assert.DoesNotContain($"{lab.Prefix}-h2", up);
        Assert.NotEqual(killed, lab.DockerdPid(1));
        Assert.Equal(untouched, lab.DockerdPid(2));
        Assert.Equal("hi\n", lab.MustDocker(1, "run", "--rm", "--network", "none", "busybox", "echo", "hi"));
        Assert.Equal(0, (await lab.Weft("lab", "status")).ExitCode);
    }

    [DockerFact]
    [TestOrder(2)]
    public async Task ADockerdLeftInADeletedHostNamespaceIsRestartedInTheNewOne()
    {
        var orphaned = lab.DockerdPid(2);
        Tool.Run("ip", "netns", "del", $"{lab.Prefix}-h2").EnsureSuccess($"ip netns del {lab.Prefix}-h2");
        var broken = await lab.Weft("lab", "status");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"pid {orphaned} in a deleted namespace", broken.Out);

        var up = await lab.MustAsync("lab", "up", "--hosts", "2", "--docker");
        Assert.Contains($"dockerd of h2 (pid {orphaned}) ran in a network namespace that is no longer {lab.Prefix}-h2: stopped it", up);
        Assert.Contains($"restarted dockerd in {lab.Prefix}-h2", up);
        Assert.True(Ps(orphaned) is "" or "Z", $"the orphaned dockerd {orphaned} was stopped");
        var restarted = lab.DockerdPid(2);
        Assert.Equal(Stat("%d:%i", $"/run/netns/{lab.Prefix}-h2"), Stat("%d:%i", $"/proc/{restarted}/ns/net"));
        Assert.Equal("hi\n", lab.MustDocker(2, "run", "--rm", "--network", "none", "busybox", "echo", "hi"));
        Assert.Equal(0, (await lab.Weft("lab", "status")).ExitCode);
    }

    [DockerFact]
    [TestOrder(3)]
    public async Task DownLeavesNoProcessPathCgroupOrRootNamespaceChange()
    {
        lab.MustDocker(1, "run", "-d", "--network", "none", "--restart", "always", "--name", "left-running", "busybox", "sleep", "300");
        var container = int.Parse(lab.MustDocker(1, "inspect", "--format", "{{.State.Pid}}", "left-running").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        int[] dockerds = [lab.DockerdPid(1), lab.DockerdPid(2)];
        var labProcesses = LabProcesses();
        Assert.Contains(labProcesses, p => p.CommandLine.StartsWith("containerd ", StringComparison.Ordinal) || p.CommandLine.Contains("/containerd ", StringComparison.Ordinal));
        Assert.Contains(labProcesses, p => p.CommandLine.Contains("containerd-shim", StringComparison.Ordinal));
        Assert.Equal(2, labProcesses.Count(p => p.CommandLine.Contains("dockerd ", StringComparison.Ordinal)));

        var down = await lab.MustAsync("lab", "down");
        Assert.Contains("stopped 1 container(s) of h1's dockerd", down);
        Assert.Contains($"stopped dockerd of h1 (pid {dockerds[0]})", down);
        Assert.Contains($"stopped dockerd of h2 (pid {dockerds[1]})", down);

        Assert.Empty(LabProcesses());
        Assert.All(labProcesses.Select(p => p.Pid).Append(container), pid => Assert.True(Ps(pid) is "" or "Z", $"process {pid} of the lab survived lab down"));
        Assert.False(Directory.Exists(lab.RunDirectory(1)));
        Assert.False(Directory.Exists(lab.RunDirectory(2)));
        Assert.Empty(Directory.EnumerateDirectories("/sys/fs/cgroup").Prepend("/sys/fs/cgroup")
            .SelectMany(h => Directory.EnumerateDirectories(h, $"{lab.Prefix}-h*")));
        Assert.All(DockerLab.StrayPaths.Where(p => !lab.StrayBefore.Contains(p)), p => Assert.False(DockerLab.Exists(p), $"{p} is left after lab down"));
        var after = RootNamespaceSnapshot.Take();
        Assert.True(lab.RootBefore!.DifferencesTo(after) == "", $"the root namespace changed:\n{lab.RootBefore.DifferencesTo(after)}");
    }

    /// <summary>Running processes whose command line names one of the lab's run directories (dockerd, containerd, shims, weftd).</summary>
    private IReadOnlyList<(int Pid, string CommandLine)> LabProcesses()
    {
        var marker = $"/run/weft/{lab.Prefix}-h";
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            string commandLine;
            try
            {
                commandLine = File.ReadAllText($"{directory}/cmdline").Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            if (commandLine.Contains(marker, StringComparison.Ordinal) && Ps(pid) is not ("" or "Z"))
                found.Add((pid, commandLine));
        }
        return found;
    }

    /// <summary>ps's state letter of <paramref name="pid"/>: "" when there is no such process, "Z" for a zombie.</summary>
    private static string Ps(int pid) => Tool.Run("ps", "-o", "stat=", "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).StdOut.Trim() is { Length: > 0 } s ? s[..1] : "";

    /// <summary><c>stat -L -c FORMAT</c>: e.g. "%d:%i" tells two paths apart by device and inode, through bind mounts too.</summary>
    private static string Stat(string format, string path) =>
        Tool.Run("stat", "-L", "-c", format, path).EnsureSuccess($"stat {path}").StdOut.Trim();
}
