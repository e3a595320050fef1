using System.Text.Json;
using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary>The CLI's entry method against a real agent on a temporary socket (picked via WEFT_HOST).</summary>
public sealed class CliAgainstAgentTests : CliAgentTestBase
{
    [Fact]
    public async Task NetworkCreateLsInspectRm()
    {
        var create = await Weft("network", "create", "--driver", "overlay", "app-overlay");
        Assert.Equal((0, ""), (create.ExitCode, create.Err));
        var id = create.Out.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);

        var ls = await Weft("network", "ls");
        Assert.Equal(0, ls.ExitCode);
        Assert.Equal(
            "NETWORK ID     NAME          DRIVER    SCOPE\n" +
            $"{id[..12]}   app-overlay   overlay   global\n", ls.Out);

        Assert.Equal($"{id[..12]}\n", (await Weft("network", "ls", "-q")).Out);
        Assert.Equal("app-overlay: overlay\n", (await Weft("network", "ls", "--format", "{{.Name}}: {{.Driver}}")).Out);
        Assert.Equal($"NETWORK ID\n{id}\n", (await Weft("network", "ls", "--no-trunc", "--format", "table {{.ID}}")).Out);

        var driver = await Weft("network", "inspect", "app-overlay", "--format", "{{.Driver}}");
        Assert.Equal((0, "overlay\n"), (driver.ExitCode, driver.Out));
        Assert.Equal("[{\"Subnet\":\"10.0.0.0/24\",\"Gateway\":\"10.0.0.1\"}]\n",
            (await Weft("network", "inspect", "-f", "{{json .IPAM.Config}}", "app-overlay")).Out);

        var inspect = await Weft("network", "inspect", "app-overlay");
        Assert.StartsWith("[\n    {\n        \"Name\": \"app-overlay\",", inspect.Out);
        using (var json = JsonDocument.Parse(inspect.Out))
        {
            var network = Assert.Single(json.RootElement.EnumerateArray().ToList());
            Assert.Equal(id, network.GetProperty("Id").GetString());
            Assert.Equal("global", network.GetProperty("Scope").GetString());
            Assert.True(network.GetProperty("Vni").GetInt32() >= 4096);
            Assert.Equal(1450, network.GetProperty("Mtu").GetInt32());
            Assert.False(network.GetProperty("Encrypted").GetBoolean());
        }

        var rm = await Weft("network", "rm", "app-overlay");
        Assert.Equal((0, "app-overlay\n"), (rm.ExitCode, rm.Out));
        Assert.Equal("NETWORK ID   NAME      DRIVER    SCOPE\n", (await Weft("network", "ls")).Out);
    }

    [Fact]
    public async Task RunPsRm()
    {
        await Weft("network", "create", "app-overlay");
        var run = await Weft("run", "-d", "--name", "container-a", "--network", "app-overlay");
        Assert.Equal((0, ""), (run.ExitCode, run.Err));
        var id = run.Out.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        var fixedIp = await Weft("run", "-d", "--name", "container-b", "--network", "app-overlay", "--ip", "10.0.0.50");
        Assert.Equal(0, fixedIp.ExitCode);

        var ps = await Weft("ps", "--format", "{{.Names}} {{.Networks}} {{.IPAddress}} {{.Node}}");
        Assert.Equal(["container-a app-overlay 10.0.0.2 h1", "container-b app-overlay 10.0.0.50 h1"],
            ps.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Contains(id[..12], (await Weft("ps", "-q")).Out.Split('\n'));
        var table = await Weft("ps");
        Assert.StartsWith("CONTAINER ID   IMAGE", table.Out);
        Assert.Contains("container-a", table.Out);

        Assert.Equal("container-a\n", (await Weft("network", "inspect", "app-overlay", "--format",
            "{{range .Containers}}{{if eq .Name \"container-a\"}}{{.Name}}{{end}}{{end}}")).Out);

        var rm = await Weft("rm", "container-a");
        Assert.Equal((0, "container-a\n"), (rm.ExitCode, rm.Out));
        Assert.Equal("container-b\n", (await Weft("ps", "--format", "{{.Names}}")).Out);
    }

    [Fact]
    public async Task ConnectAndDisconnect()
    {
        await Weft("network", "create", "front");
        await Weft("network", "create", "back");
        await Weft("run", "-d", "--name", "web", "--network", "front");
        Assert.Equal(0, (await Weft("network", "connect", "--ip", "10.0.1.7", "back", "web")).ExitCode);
        Assert.Equal("back,front 10.0.1.7,10.0.0.2\n", (await Weft("ps", "--format", "{{.Networks}} {{.IPAddress}}")).Out);
        Assert.Equal(0, (await Weft("network", "disconnect", "back", "web")).ExitCode);
        Assert.Equal("front\n", (await Weft("ps", "--format", "{{.Networks}}")).Out);
    }

    [Fact]
    public async Task VersionAndInfoTalkToTheAgent()
    {
        var version = await Weft("version");
        Assert.Equal(0, version.ExitCode);
        Assert.Contains($"Server: (unix://{Agent.SocketPath})", version.Out);
        var info = await Weft("info");
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("h1", info.Out);
        Assert.Contains(Agent.SocketPath, info.Out);
    }

    // Issue 4, "Bad input": each case is exit code 1 and one line saying what is wrong and what to do.

    [Fact]
    public async Task UnknownNetwork() =>
        (await Weft("network", "inspect", "nope")).AssertOneLineError("network nope not found: list networks with 'weft network ls'");

    [Fact]
    public async Task UnknownNetworkOnRun() =>
        (await Weft("run", "-d", "--name", "c", "--network", "nope")).AssertOneLineError("network nope not found: list networks with 'weft network ls'");

    [Fact]
    public async Task UnknownContainer()
    {
        (await Weft("rm", "ghost")).AssertOneLineError("container ghost not found: list containers with 'weft ps'");
        (await Weft("exec", "ghost", "true")).AssertOneLineError("container ghost not found: list containers with 'weft ps'");
    }

    [Fact]
    public async Task InspectOfAnUnknownNameSaysWhereToLookForContainersAndNetworks()
    {
        var result = await Weft("inspect", "ghost");
        result.AssertOneLineError("No such object: ghost: list containers with 'weft ps' and networks with 'weft network ls'");
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task NetworkNameAlreadyInUse()
    {
        await Weft("network", "create", "dup");
        (await Weft("network", "create", "dup")).AssertOneLineError("network dup already exists: choose another name or remove it with 'weft network rm dup'");
    }

    [Fact]
    public async Task ContainerNameAlreadyInUse()
    {
        await Weft("network", "create", "n");
        await Weft("run", "-d", "--name", "c", "--network", "n");
        var again = await Weft("run", "-d", "--name", "c", "--network", "n");
        again.AssertOneLineError("container name c is already in use");
        Assert.Contains(": choose another name or remove it with 'weft rm c'", again.Err);
    }

    [Fact]
    public async Task ConnectingAContainerTwiceSaysHowToChangeItsAddress()
    {
        await Weft("network", "create", "n");
        await Weft("run", "-d", "--name", "c", "--network", "n");
        (await Weft("network", "connect", "n", "c")).AssertOneLineError(
            "container c is already connected to network n: nothing to do; to give it another address, disconnect it first with 'weft network disconnect n c'");
    }

    [Fact]
    public async Task OverlappingSubnet()
    {
        await Weft("network", "create", "--subnet", "10.5.0.0/16", "a");
        (await Weft("network", "create", "--subnet", "10.5.3.0/24", "b")).AssertOneLineError(
            "subnet 10.5.3.0/24 overlaps network a (10.5.0.0/16): choose a subnet outside it");
    }

    [Fact]
    public async Task MalformedSubnet()
    {
        (await Weft("network", "create", "--subnet", "10.5.0.0/33", "a")).AssertOneLineError(
            "invalid subnet '10.5.0.0/33': expected IPv4 CIDR notation like 10.0.1.0/24");
        (await Weft("network", "create", "--subnet", "10.5.0.9/24", "a")).AssertOneLineError("invalid subnet 10.5.0.9/24: it should be 10.5.0.0/24");
    }

    [Fact]
    public async Task GatewayOutsideSubnet() =>
        (await Weft("network", "create", "--subnet", "10.5.0.0/24", "--gateway", "10.6.0.1", "a")).AssertOneLineError(
            "gateway 10.6.0.1 is outside subnet 10.5.0.0/24: pick an address inside it");

    [Fact]
    public async Task IpOutsideSubnetOrTaken()
    {
        await Weft("network", "create", "--subnet", "10.7.0.0/24", "n");
        (await Weft("run", "-d", "--name", "a", "--network", "n", "--ip", "10.8.0.5")).AssertOneLineError(
            "address 10.8.0.5 is outside subnet 10.7.0.0/24 of network n: pick an address inside it");
        Assert.Equal(0, (await Weft("run", "-d", "--name", "b", "--network", "n", "--ip", "10.7.0.5")).ExitCode);
        var taken = await Weft("run", "-d", "--name", "c", "--network", "n", "--ip", "10.7.0.5");
        taken.AssertOneLineError("address 10.7.0.5 is already in use on network n");
        Assert.Contains(": pick another address or omit --ip", taken.Err);
    }

    [Fact]
    public async Task RemovingANetworkThatStillHasContainers()
    {
        await Weft("network", "create", "busy");
        await Weft("run", "-d", "--name", "c", "--network", "busy");
        (await Weft("network", "rm", "busy")).AssertOneLineError(
            "network busy has 1 container (c): remove them first with 'weft rm c' or disconnect each with 'weft network disconnect busy CONTAINER'");
    }

    [Fact]
    public async Task UnknownOpt()
    {
        var result = await Weft("network", "create", "--opt", "encrypt", "n");
        result.AssertOneLineError("unknown option 'encrypt': known options are ");
        Assert.Contains("encrypted", result.Err);
        Assert.Contains("pass one of them as --opt KEY[=VALUE] or leave it out", result.Err);
    }

    [Fact]
    public async Task UnsupportedDriverListsTheSupportedOnes() =>
        (await Weft("network", "create", "--driver", "bridge", "n")).AssertOneLineError(
            "driver \"bridge\" is not supported: Weft supports overlay (use --driver overlay)");

    [Fact]
    public async Task TemplateThatDoesNotParse()
    {
        await Weft("network", "create", "n");
        var inspect = await Weft("network", "inspect", "n", "--format", "{{.Driver");
        inspect.AssertOneLineError("template: :1:1: unclosed action");
        Assert.Contains(": " + CliContext.TemplateParseRemedy, inspect.Err);
        var ls = await Weft("network", "ls", "--format", "{{range .Name}}");
        ls.AssertOneLineError("expected {{end}}");
        Assert.Contains("fix the --format template", ls.Err);
    }

    [Fact]
    public async Task TemplateThatNamesAMissingField()
    {
        await Weft("network", "create", "n");
        var inspect = await Weft("network", "inspect", "n", "--format", "{{.Drvier}}");
        inspect.AssertOneLineError("can't evaluate field Drvier");
        Assert.Contains(": use a field the object has; --format '{{json .}}' prints them all", inspect.Err);
        var noRows = await Weft("ps", "--format", "{{.Nmes}}"); // like docker: with no rows the template never runs
        Assert.Equal((0, ""), (noRows.ExitCode, noRows.Out));
        await Weft("run", "-d", "--name", "c", "--network", "n");
        var ps = await Weft("ps", "--format", "{{.Nmes}}");
        ps.AssertOneLineError("can't evaluate field Nmes");
        Assert.Contains(CliContext.TemplateFieldRemedy, ps.Err);
    }

    [Fact]
    public async Task ExecWithoutADataPathSaysSo()
    {
        await Weft("network", "create", "n");
        await Weft("run", "-d", "--name", "c", "--network", "n");
        var exec = await Weft("exec", "c", "ping", "-c", "3", "other");
        exec.AssertOneLineError("this agent runs without a data path (--data-path off)");
        Assert.Contains("'ping -c 3 other'", exec.Err);

        // The command's own flags pass through also after global options and exec's -i/-t.
        var withHost = await CliResult.RunAsync(new Dictionary<string, string>(), "-H", Agent.SocketPath, "exec", "-it", "c", "ls", "-la", "--color", "/");
        withHost.AssertOneLineError("'ls -la --color /'");
    }

    [Fact]
    public async Task MissingArgumentIsOneLineWithHelpHint() =>
        (await Weft("network", "create")).AssertOneLineError("See 'weft network create --help'");

    [Fact]
    public async Task ClusterInitWithoutAnAddressSaysWhatToPass() =>
        (await Weft("cluster", "init")).AssertOneLineError("pass --advertise-addr IP or start weftd with --underlay-address IP");
}
