using System.Text.Json;
using System.Text.RegularExpressions;
using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary><c>weft cluster nodes</c> with <c>--format</c>, <c>-q</c> and <c>--no-trunc</c>, like <c>docker node ls</c> and the other ls commands.</summary>
public sealed class ClusterNodesCliTests : IAsyncLifetime
{
    private RunningAgent _agent = null!;

    public async Task InitializeAsync()
    {
        // An agent with an underlay address registers itself as a node also before cluster init.
        _agent = await RunningAgent.StartAsync(nodeName: "h1", underlayAddress: "127.0.0.1");
        using var client = _agent.Client();
        await Eventually.WaitAsync(() => client.ListNodesAsync(), n => n.Count == 1);
    }

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    private Task<CliResult> Weft(params string[] args) => CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_HOST"] = _agent.SocketPath }, args);

    [Fact]
    public async Task FormatQuietAndNoTrunc()
    {
        using var client = _agent.Client();
        var id = Assert.Single(await client.ListNodesAsync()).ID;

        var table = await Weft("cluster", "nodes");
        Assert.Equal((0, ""), (table.ExitCode, table.Err));
        var lines = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^ID\s+HOSTNAME\s+ADDRESS\s+STATUS\s+ROLE\s+LAST SEEN$", lines[0]);
        Assert.Matches($@"^{id[..12]}\s+h1\s+127\.0\.0\.1\s+ready\s+manager\s+[0-9A-Za-z ]+ ago$", Assert.Single(lines[1..]));

        Assert.Equal("h1 127.0.0.1 ready manager\n", (await Weft("cluster", "nodes", "--format", "{{.Hostname}} {{.Address}} {{.Status}} {{.Role}}")).Out);
        Assert.Equal("HOSTNAME   STATUS\nh1         ready\n", (await Weft("cluster", "nodes", "--format", "table {{.Hostname}}\\t{{.Status}}")).Out);
        Assert.Equal($"{id[..12]}\n", (await Weft("cluster", "nodes", "-q")).Out);
        Assert.Equal($"{id}\n", (await Weft("cluster", "nodes", "--quiet", "--no-trunc")).Out);

        using var json = JsonDocument.Parse((await Weft("cluster", "nodes", "--format", "json")).Out);
        Assert.Equal(["Address", "Hostname", "ID", "LastSeen", "Role", "Status"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Matches(new Regex(" ago$"), json.RootElement.GetProperty("LastSeen").GetString()!);
    }

    [Fact]
    public async Task BadTemplatesAreOneLineErrors()
    {
        var parse = await Weft("cluster", "nodes", "--format", "{{.Hostname");
        parse.AssertOneLineError("unclosed action");
        Assert.EndsWith(": " + CliContext.TemplateParseRemedy + "\n", parse.Err);
        var field = await Weft("cluster", "nodes", "--format", "{{.Hostnme}}");
        field.AssertOneLineError("can't evaluate field Hostnme");
        Assert.EndsWith(": " + CliContext.TemplateFieldRemedy + "\n", field.Err);
    }
}
