using System.CommandLine;
using Weft.Api;

namespace Weft.Cli;

/// <summary>What every command needs: the output streams, the environment and the global options.</summary>
public sealed class CliContext(TextWriter output, TextWriter error, Func<string, string?> environment)
{
    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    /// <summary>Appended to Docker's own template parse error (which says only what is wrong).</summary>
    public const string TemplateParseRemedy = "fix the --format template (Go template syntax, e.g. '{{.Name}}' or 'table {{.ID}}\\t{{.Name}}')";

    /// <summary>Appended to Docker's own template execution error (a field the object does not have).</summary>
    public const string TemplateFieldRemedy = "use a field the object has; --format '{{json .}}' prints them all";

    public Func<string, string?> Environment { get; } = environment;

    public Option<string?> Host { get; } = new("--host", "-H")
    {
        Description = "Agent to talk to: a socket path or a lab host name such as h2 (env WEFT_HOST)",
        Recursive = true,
    };

    public Option<string?> LabPrefix { get; } = new("--lab-prefix")
    {
        Description = "Lab name prefix used to find lab hosts' sockets (env WEFT_LAB_PREFIX, default weft)",
        Recursive = true,
    };

    public string LabPrefixValue(ParseResult parse) =>
        parse.GetValue(LabPrefix) ?? Environment("WEFT_LAB_PREFIX") ?? AgentAddress.DefaultLabPrefix;

    public string SocketPath(ParseResult parse) =>
        AgentAddress.SocketPath(parse.GetValue(Host) ?? Environment("WEFT_HOST"), LabPrefixValue(parse));

    public WeftApiClient Client(ParseResult parse) => new(SocketPath(parse));

    /// <summary>Wraps a command body: known errors become one line <c>Error: ...</c> on stderr and exit code 1.</summary>
    public void Handle(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await body(parse, ct);
            }
            catch (Exception e) when (e is CliException or WeftApiException or WeftAgentUnavailableException)
            {
                await Err.WriteLineAsync($"Error: {e.Message}");
                return 1;
            }
            catch (Templates.TemplateParseException e)
            {
                await Err.WriteLineAsync($"Error: {e.Message}: {TemplateParseRemedy}");
                return 1;
            }
            catch (Templates.TemplateExecutionException e)
            {
                await Err.WriteLineAsync($"Error: {e.Message}: {TemplateFieldRemedy}");
                return 1;
            }
        });
}
