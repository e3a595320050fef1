using Weft.Agent.Tests;

namespace Weft.Cli.Tests;

/// <summary>The CLI's entry point against a real in-process agent (WEFT_HOST names its socket).</summary>
public abstract class CliAgentTestBase : AgentTestBase
{
    protected Task<CliResult> Weft(params string[] args) =>
        CliResult.RunAsync(new Dictionary<string, string> { ["WEFT_HOST"] = Agent.SocketPath }, args);
}
