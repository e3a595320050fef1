namespace Weft.Cli.Tests;

/// <summary><c>weft network create</c>'s flags, each read back through <c>network inspect --format</c>, and its refusals.</summary>
public sealed class NetworkCreateCliTests : CliAgentTestBase
{
    [Fact]
    public async Task EveryFlagIsReadBackByInspect()
    {
        var create = await Weft("network", "create", "--driver", "overlay", "--subnet", "10.20.0.0/16", "--gateway", "10.20.0.254",
            "--ip-range", "10.20.8.0/24", "--label", "team=blue", "--label", "tier=web", "--internal", "--attachable", "--opt", "vni=7000", "full");
        Assert.Equal((0, ""), (create.ExitCode, create.Err));

        Assert.Equal("10.20.0.0/16 10.20.0.254 10.20.8.0/24\n",
            await Inspect("full", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.IPRange}}{{end}}"));
        Assert.Equal("blue web\n", await Inspect("full", "{{index .Labels \"team\"}} {{index .Labels \"tier\"}}"));
        Assert.Equal("true true\n", await Inspect("full", "{{.Internal}} {{.Attachable}}"));
        Assert.Equal("7000 7000\n", await Inspect("full", "{{.Vni}} {{index .Options \"vni\"}}"));
        Assert.Equal("{\"team\":\"blue\",\"tier\":\"web\"}\n", await Inspect("full", "{{json .Labels}}"));

        // The ip-range is where container addresses come from.
        Assert.Equal(0, (await Weft("run", "-d", "--name", "c", "--network", "full")).ExitCode);
        Assert.StartsWith("10.20.8.", (await Weft("ps", "--format", "{{.IPAddress}}")).Out);
    }

    [Fact]
    public async Task AuxAddressesAreReadBackByInspectAndMalformedOnesNameThemselves()
    {
        var create = await Weft("network", "create", "--subnet", "10.9.0.0/24", "--aux-address", "router=10.9.0.2", "--aux-address", "ext=10.9.0.50", "aux");
        Assert.Equal((0, ""), (create.ExitCode, create.Err));
        Assert.Equal("{\"router\":\"10.9.0.2\",\"ext\":\"10.9.0.50\"}\n", await Inspect("aux", "{{range .IPAM.Config}}{{json .AuxiliaryAddresses}}{{end}}"));

        (await Weft("network", "create", "--subnet", "10.8.0.0/24", "--aux-address", "router", "n")).AssertOneLineError(
            "--aux-address \"router\": expected NAME=VALUE with both parts, like --aux-address router=10.1.0.2");
        (await Weft("network", "create", "--subnet", "10.8.0.0/24", "--aux-address", "=10.8.0.2", "n")).AssertOneLineError(
            "--aux-address \"=10.8.0.2\": expected NAME=VALUE with both parts");
        (await Weft("network", "create", "--subnet", "10.8.0.0/24", "--aux-address", "r=10.8.0.2", "--aux-address", "r=10.8.0.3", "n")).AssertOneLineError(
            "--aux-address r was given twice (10.8.0.2, 10.8.0.3): give each name once");
        (await Weft("network", "create", "--aux-address", "r=10.8.0.2", "n")).AssertOneLineError(
            "--aux-address needs a --subnet to belong to; add --subnet CIDR");
        (await Weft("network", "create", "--subnet", "10.8.0.0/24", "--aux-address", "r=10.8.0.300", "n")).AssertOneLineError(
            "aux-address r=10.8.0.300 is not an IPv4 address: give an address inside subnet 10.8.0.0/24");
        Assert.Equal("aux\n", (await Weft("network", "ls", "--format", "{{.Name}}")).Out);
    }

    [Fact]
    public async Task ATakenVniIsRefused()
    {
        Assert.Equal(0, (await Weft("network", "create", "--opt", "vni=7000", "first")).ExitCode);
        (await Weft("network", "create", "--opt", "vni=7000", "second")).AssertOneLineError(
            "vni 7000 is already used by network first: choose another vni or omit it");
        Assert.Equal("first\n", (await Weft("network", "ls", "--format", "{{.Name}}")).Out);
    }

    [Fact]
    public async Task OneSubnetPerNetworkAndOneGatewayAndRangeForIt()
    {
        (await Weft("network", "create", "--subnet", "10.30.0.0/24", "--subnet", "10.31.0.0/24", "--gateway", "10.31.0.1", "two")).AssertOneLineError(
            "a Weft network has one subnet, but 2 --subnet were given (10.30.0.0/24, 10.31.0.0/24): create one network per subnet");
        (await Weft("network", "create", "--subnet", "10.30.0.0/24", "--gateway", "10.30.0.1", "--gateway", "10.30.0.2", "n")).AssertOneLineError(
            "--gateway was given 2 times (10.30.0.1, 10.30.0.2): a Weft network has one subnet, pass --gateway once");
        (await Weft("network", "create", "--subnet", "10.30.0.0/24", "--ip-range", "10.30.0.0/25", "--ip-range", "10.30.0.128/25", "n")).AssertOneLineError(
            "--ip-range was given 2 times (10.30.0.0/25, 10.30.0.128/25): a Weft network has one subnet, pass --ip-range once");
        (await Weft("network", "create", "--gateway", "10.30.0.1", "n")).AssertOneLineError(
            "--gateway and --ip-range need a --subnet to belong to; add --subnet CIDR");
        (await Weft("network", "create", "--subnet", "10.30.0.0/24", "--ip-range", "10.31.0.0/25", "n")).AssertOneLineError(
            "ip-range 10.31.0.0/25 is outside subnet 10.30.0.0/24: pick a range inside it");
        Assert.Equal("", (await Weft("network", "ls", "-q")).Out);
    }

    [Fact]
    public async Task ANetworkOutOfContainerAddressesSaysToRemoveOneOrUseALargerSubnet()
    {
        // A /29 holds 6 host addresses; the gateway takes one, five are left for containers.
        Assert.Equal(0, (await Weft("network", "create", "--subnet", "10.40.0.0/29", "tiny")).ExitCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(0, (await Weft("run", "-d", "--name", $"c{i}", "--network", "tiny")).ExitCode);
        }
        (await Weft("run", "-d", "--name", "c5", "--network", "tiny")).AssertOneLineError(
            "no free address left in 10.40.0.0/29 on network tiny: remove a container or recreate the network with a larger --subnet or --ip-range");

        Assert.Equal(0, (await Weft("rm", "c2")).ExitCode);
        Assert.Equal(0, (await Weft("run", "-d", "--name", "c5", "--network", "tiny")).ExitCode);
        Assert.Equal("10.40.0.4\n", (await Weft("inspect", "c5", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")).Out);
    }

    private async Task<string> Inspect(string network, string format)
    {
        var result = await Weft("network", "inspect", network, "--format", format);
        Assert.Equal((0, ""), (result.ExitCode, result.Err));
        return result.Out;
    }
}
