namespace Weft.Cli.Tests;

/// <summary><c>weft network peer add|rm</c> and <c>--opt peers=</c> against a real agent: each prints the peers afterwards.</summary>
public sealed class NetworkPeerCliTests : CliAgentTestBase
{
    [Fact]
    public async Task Add_and_rm_print_the_external_peers_and_inspect_shows_them()
    {
        Assert.Equal(0, (await Weft("network", "create", "--opt", "peers=198.51.100.50", "n1")).ExitCode);

        var add = await Weft("network", "peer", "add", "n1", "198.51.100.51");
        Assert.Equal((0, "n1: external peers 198.51.100.50, 198.51.100.51\n", ""), (add.ExitCode, add.Out, add.Err));
        var again = await Weft("network", "peer", "add", "n1", "198.51.100.51");
        Assert.Equal((0, "n1: external peers 198.51.100.50, 198.51.100.51\n"), (again.ExitCode, again.Out));
        Assert.Equal("[\"198.51.100.50\",\"198.51.100.51\"] 198.51.100.50,198.51.100.51\n",
            (await Weft("network", "inspect", "n1", "--format", "{{json .ExternalPeers}} {{index .Options \"peers\"}}")).Out);

        Assert.Equal("n1: external peers 198.51.100.51\n", (await Weft("network", "peer", "rm", "n1", "198.51.100.50")).Out);
        var last = await Weft("network", "peer", "remove", "n1", "198.51.100.51");
        Assert.Equal((0, "n1: no external peers\n"), (last.ExitCode, last.Out));
    }

    [Fact]
    public async Task Bad_addresses_and_non_peers_are_one_line_errors()
    {
        Assert.Equal(0, (await Weft("network", "create", "n1")).ExitCode);
        (await Weft("network", "peer", "add", "n1", "239.1.1.1")).AssertOneLineError(
            "invalid peer address: 239.1.1.1 is a multicast address; give the IPv4 unicast address of a VTEP, like 192.0.2.10");
        (await Weft("network", "peer", "rm", "n1", "198.51.100.9")).AssertOneLineError("198.51.100.9 is not a peer of network n1: it has no peers");
        (await Weft("network", "peer", "add", "nope", "198.51.100.9")).AssertOneLineError("network nope not found");
        (await Weft("network", "create", "--opt", "peers=x", "n2")).AssertOneLineError(
            "invalid value 'x' for option peers: x is not an IPv4 address; expected IPv4 addresses of VTEPs, comma-separated, like 192.0.2.10,192.0.2.11");
    }
}
