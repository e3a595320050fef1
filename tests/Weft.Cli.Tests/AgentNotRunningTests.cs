namespace Weft.Cli.Tests;

public sealed class AgentNotRunningTests
{
    [Fact]
    public async Task NamesTheSocketGivenWithDashH()
    {
        var socket = Path.Combine(Path.GetTempPath(), "weft-absent-" + Guid.NewGuid().ToString("N")[..8], "weftd.sock");
        var result = await CliResult.RunAsync(new Dictionary<string, string>(), "-H", socket, "network", "ls");
        result.AssertOneLineError($"cannot reach the Weft agent at unix://{socket}");
        Assert.Contains($"start it with `weftd --socket {socket}`", result.Err);
        Assert.Contains("(or `weft lab up` for the lab)", result.Err); // not a lab socket: no prefix to name
    }

    [Fact]
    public async Task LabHostNameMapsToTheLabSocketWithThePrefixFromTheEnvironment()
    {
        var prefix = "wt" + Guid.NewGuid().ToString("N")[..4];
        var result = await CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = prefix, ["WEFT_HOST"] = "h2" }, "ps");
        result.AssertOneLineError($"unix:///run/weft/{prefix}-h2/weftd.sock");
        Assert.Contains($"(or `weft lab up --prefix {prefix}` for the lab)", result.Err); // the lab that socket belongs to
    }

    [Fact]
    public async Task DashHBeatsTheEnvironmentAndLabPrefixFlagBeatsItsVariable()
    {
        var result = await CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_LAB_PREFIX"] = "envp", ["WEFT_HOST"] = "h2" },
            "-H", "h3", "--lab-prefix", "wtzz", "network", "ls");
        result.AssertOneLineError("unix:///run/weft/wtzz-h3/weftd.sock");
    }

    [Theory]
    [InlineData(null, null, "/run/weft/weftd.sock")]
    [InlineData("", "p", "/run/weft/weftd.sock")]
    [InlineData("/tmp/x/weftd.sock", null, "/tmp/x/weftd.sock")]
    [InlineData("unix:///tmp/y.sock", null, "/tmp/y.sock")]
    [InlineData("h1", null, "/run/weft/weft-h1/weftd.sock")]
    [InlineData("h2", "wt1a2b", "/run/weft/wt1a2b-h2/weftd.sock")]
    public void AgentAddressResolution(string? host, string? prefix, string expected) =>
        Assert.Equal(expected, AgentAddress.SocketPath(host, prefix));

    [Fact]
    public void TcpAddressesAreRefusedWithAnExplanation() =>
        Assert.Contains("Unix sockets only", Assert.Throws<CliException>(() => AgentAddress.SocketPath("tcp://1.2.3.4:2375", null)).Message);
}
