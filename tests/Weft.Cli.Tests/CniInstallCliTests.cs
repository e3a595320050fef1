using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Weft.Cli.Tests;

/// <summary>
/// <c>weft cni install|uninstall</c> against a real in-process agent, into temporary directories (no root needed): the
/// conflist and the plugin, what uninstall leaves (nothing), running either again, the refusals, and the installed plugin
/// really run the way a runtime runs it, against the agent the conflist names.
/// </summary>
public sealed class CniInstallCliTests : CliAgentTestBase, IDisposable
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101; // 0755

    private readonly string _root = Directory.CreateTempSubdirectory("weft-cni-install-").FullName;

    private string ConfDir => Path.Combine(_root, "net.d");

    private string BinDir => Path.Combine(_root, "bin");

    private string Conflist(string network) => Path.Combine(ConfDir, $"50-weft-{network}.conflist");

    private string Plugin => Path.Combine(BinDir, "weft-cni");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private Task<CliResult> Cni(string verb, params string[] args) =>
        Weft(["cni", verb, "--conf-dir", ConfDir, "--bin-dir", BinDir, .. args]);

    [Fact]
    public async Task Install_writes_the_conflist_and_a_plugin_wrapper_and_uninstall_takes_both_away_and_may_run_again()
    {
        Assert.Equal(0, (await Weft("network", "create", "blue")).ExitCode);

        var install = await Cni("install", "blue");

        Assert.Equal((0, ""), (install.ExitCode, install.Err));
        Assert.Equal(
            [
                $"installed {Plugin}: a wrapper that runs the framework-dependent build {Path.Combine(AppContext.BaseDirectory, "weft-cni")} "
                + "(a Native AOT plugin starts faster: make one with scripts/publish-cni and install it with --plugin artifacts/weft-cni/weft-cni)",
                $"wrote {Conflist("blue")}: network blue, weftd socket {Agent.SocketPath}",
            ],
            Lines(install.Out));
        var expected = JsonNode.Parse($$"""
            {"cniVersion":"1.0.0","name":"blue","plugins":[{"type":"weft-cni","network":"blue","socket":"{{Agent.SocketPath}}"}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(File.ReadAllText(Conflist("blue")))), File.ReadAllText(Conflist("blue")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Conflist("blue")));
        Assert.Equal(Executable, File.GetUnixFileMode(Plugin));
        Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(Plugin));
        Assert.Contains($"exec {Path.Combine(AppContext.BaseDirectory, "weft-cni")} \"$@\"", File.ReadAllText(Plugin));
        // Atomic writes leave no temp file behind.
        Assert.Equal([Conflist("blue")], Directory.GetFiles(ConfDir));
        Assert.Equal([Plugin], Directory.GetFiles(BinDir));

        // Again, naming the network by its ID: the same file, named by the network's name.
        var id = (await Weft("network", "inspect", "blue", "--format", "{{.Id}}")).Out.Trim();
        Assert.Equal(0, (await Cni("install", id)).ExitCode);
        Assert.Equal([Conflist("blue")], Directory.GetFiles(ConfDir));

        var uninstall = await Cni("uninstall", "blue");

        Assert.Equal((0, ""), (uninstall.ExitCode, uninstall.Err));
        Assert.Equal([$"removed {Conflist("blue")}", $"removed {Plugin}"], Lines(uninstall.Out));
        Assert.Empty(Directory.GetFileSystemEntries(ConfDir));
        Assert.Empty(Directory.GetFileSystemEntries(BinDir));

        var again = await Cni("uninstall", "blue");

        Assert.Equal((0, ""), (again.ExitCode, again.Err));
        Assert.Equal([$"{Conflist("blue")} is not there: nothing to remove", $"{Plugin} is not there: nothing to remove"], Lines(again.Out));
    }

    [Fact]
    public async Task The_installed_plugin_runs_as_a_runtime_runs_it_answers_version_and_reaches_the_agent_the_conflist_names()
    {
        Assert.Equal(0, (await Weft("network", "create", "blue")).ExitCode);
        Assert.Equal(0, (await Cni("install", "blue")).ExitCode);
        var conflist = JsonNode.Parse(File.ReadAllText(Conflist("blue")))!;

        var version = RunInstalledPlugin("VERSION", new JsonObject { ["cniVersion"] = "1.0.0" });

        Assert.True(version.Exit == 0, version.Out + version.Err);
        var supported = JsonNode.Parse(version.Out)!["supportedVersions"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Contains("1.0.0", supported);

        // STATUS asks weftd on the conflist's socket whether it answers: the in-process agent does.
        var status = RunInstalledPlugin("STATUS", PluginConfig(conflist));

        Assert.True(status.Exit == 0, status.Out + status.Err);
        Assert.Equal("", status.Out);
    }

    [Fact]
    public async Task A_self_contained_plugin_given_with_plugin_is_copied_as_it_is()
    {
        Assert.Equal(0, (await Weft("network", "create", "blue")).ExitCode);
        var build = Path.Combine(_root, "native", "weft-cni");
        Directory.CreateDirectory(Path.GetDirectoryName(build)!);
        File.WriteAllText(build, "#!/bin/sh\necho a self-contained weft-cni has no weft-cni.dll beside it\n");

        var install = await Cni("install", "--plugin", build, "blue");

        Assert.Equal((0, ""), (install.ExitCode, install.Err));
        Assert.Equal($"installed {Plugin} (a copy of {build})", Lines(install.Out)[0]);
        Assert.Equal(File.ReadAllBytes(build), File.ReadAllBytes(Plugin));
        Assert.Equal(Executable, File.GetUnixFileMode(Plugin));
    }

    [Fact]
    public async Task The_plugin_stays_while_another_weft_conflist_uses_it()
    {
        Assert.Equal(0, (await Weft("network", "create", "blue")).ExitCode);
        Assert.Equal(0, (await Weft("network", "create", "red")).ExitCode);
        Assert.Equal(0, (await Cni("install", "blue")).ExitCode);
        Assert.Equal(0, (await Cni("install", "red")).ExitCode);

        var first = await Cni("uninstall", "blue");

        Assert.Equal([$"removed {Conflist("blue")}", $"kept {Plugin}: still used by 50-weft-red.conflist in {ConfDir}"], Lines(first.Out));
        Assert.True(File.Exists(Plugin));

        var last = await Cni("uninstall", "red");

        Assert.Equal([$"removed {Conflist("red")}", $"removed {Plugin}"], Lines(last.Out));
        Assert.Empty(Directory.GetFileSystemEntries(BinDir));
    }

    [Fact]
    public async Task An_unknown_network_is_refused_and_nothing_is_written()
    {
        (await Cni("install", "nope")).AssertOneLineError("network nope not found: list networks with 'weft network ls'");

        Assert.False(Directory.Exists(ConfDir));
        Assert.False(Directory.Exists(BinDir));
    }

    [Fact]
    public async Task A_directory_that_cannot_be_made_is_named_and_nothing_is_written()
    {
        Assert.Equal(0, (await Weft("network", "create", "blue")).ExitCode);
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");
        var underFile = Path.Combine(file, "net.d");

        (await Weft("cni", "install", "--conf-dir", underFile, "--bin-dir", BinDir, "blue")).AssertOneLineError(
            $"cannot write to --conf-dir {underFile}: ");
        (await Weft("cni", "install", "--conf-dir", ConfDir, "--bin-dir", underFile, "blue")).AssertOneLineError(
            $"cannot write to --bin-dir {underFile}: ");

        Assert.Equal([file], Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Bad_names_for_the_plugin_and_the_network_are_refused()
    {
        Assert.Equal(0, (await Weft("network", "create", "blue")).ExitCode);
        var missing = Path.Combine(_root, "missing", "weft-cni");

        (await Cni("install", "--plugin", missing, "blue")).AssertOneLineError(
            $"--plugin {missing}: no such file; give a weft-cni build, e.g. artifacts/weft-cni/weft-cni from scripts/publish-cni");
        (await Cni("uninstall", "../blue")).AssertOneLineError(
            "network name '../blue' has a '/', which no network name has: give the name the network was installed under");
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What a runtime (libcni) puts on a plugin's stdin: the conflist's plugin entry with its cniVersion and name.</summary>
    private static JsonObject PluginConfig(JsonNode conflist)
    {
        var config = conflist["plugins"]![0]!.DeepClone().AsObject();
        config["cniVersion"] = conflist["cniVersion"]!.DeepClone();
        config["name"] = conflist["name"]!.DeepClone();
        return config;
    }

    /// <summary>The installed plugin with only the CNI variables in its environment, as a runtime's daemon may start it.</summary>
    private (int Exit, string Out, string Err) RunInstalledPlugin(string command, JsonObject stdin)
    {
        var start = new ProcessStartInfo(Plugin) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Clear();
        start.Environment["CNI_COMMAND"] = command;
        start.Environment["CNI_PATH"] = BinDir;
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin.ToJsonString());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            Assert.Fail($"{Plugin} {command} did not finish in 30 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
