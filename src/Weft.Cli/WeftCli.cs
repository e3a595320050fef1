// Design note: weft mirrors docker's verbs, flags and output so a Docker user needs no new habits.
// Parsing is System.CommandLine 2.0 (one Command per verb, actions returning the exit code); output that
// Docker prints as tabwriter tables (network ls, ps) goes through Weft.Templates' DockerFormat so the
// default and --format "table ..." layouts are byte-for-byte Docker's; Spectre.Console renders Weft's own
// views (version, info, cluster nodes). Every failure is one line "Error: <message>" on stderr with exit
// code 1; parse errors too, followed by a hint to --help. The CLI talks only to an agent (Weft.Api).
using System.CommandLine;
using Weft.Cli.Commands;

namespace Weft.Cli;

public static class WeftCli
{
    /// <summary>Runs the CLI with the given streams and environment (tests pass their own); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment,
        CancellationToken ct = default)
    {
        var context = new CliContext(stdout, stderr, environment);
        var root = new RootCommand("weft: multi-host container overlay networks (VXLAN), Docker-style")
        {
            context.Host,
            context.LabPrefix,
            NetworkCommands.Create(context),
            ContainerCommands.Run(context),
            ContainerCommands.Ps(context),
            ContainerCommands.Rm(context),
            ContainerCommands.Exec(context),
            ContainerCommands.Inspect(context),
            ClusterCommands.Create(context),
            CniCommands.Create(context),
            SystemCommands.Version(context),
            SystemCommands.Info(context),
            LabCommands.Create(context),
            DemoCommand.Create(context),
        };

        var parse = root.Parse(ExecArguments.Separate(args));
        if (parse.Errors.Count > 0)
        {
            var commandPath = string.Join(' ', CommandPath(parse.CommandResult.Command, root));
            await stderr.WriteLineAsync($"Error: {parse.Errors[0].Message} See '{commandPath} --help'.");
            return 1;
        }
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr };
        if (parse.CommandResult.Command.Name == "demo")
        {
            // On Ctrl+C the demo still tears its lab down; System.CommandLine would give up on it after 2 s.
            configuration.ProcessTerminationTimeout = DemoCommand.TeardownGrace;
        }
        return await parse.InvokeAsync(configuration, ct);
    }

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (Command? current = command; current is not null && current != root; current = Parent(root, current))
        {
            names.Insert(0, current.Name);
        }
        names.Insert(0, "weft");
        return names;
    }

    private static Command? Parent(Command root, Command child)
    {
        foreach (var sub in root.Subcommands)
        {
            if (sub == child)
            {
                return root;
            }
            if (Parent(sub, child) is { } found)
            {
                return found;
            }
        }
        return null;
    }
}
