namespace Weft.Cli.Demo;

/// <summary>
/// Prints the demo: a numbered title and a short explanation per step, the exact command line (<c>$ weft …</c>), then what
/// the command really printed. <c>weft</c> steps run through the CLI's own parser and handlers in this process
/// (<see cref="WeftCli.RunAsync"/>) against the lab's agents, with the lab prefix in their environment.
/// </summary>
internal sealed class DemoNarrator(CliContext context, string labPrefix)
{
    private int _step;

    public TextWriter Out => context.Out;

    /// <summary>A new step: its number and title, then the explanation, one line per string.</summary>
    public async Task StepAsync(string title, params string[] explanation)
    {
        _step++;
        await Out.WriteLineAsync();
        await Out.WriteLineAsync($"── {_step}. {title} " + new string('─', Math.Max(3, 72 - title.Length)));
        foreach (var line in explanation)
        {
            await Out.WriteLineAsync(line);
        }
    }

    public Task SayAsync(string line) => Out.WriteLineAsync(line);

    /// <summary>Shows <paramref name="words"/> as a shell command line, quoting what a shell would need quoted.</summary>
    public Task ShowCommandAsync(IEnumerable<string> words) => Out.WriteLineAsync("$ " + string.Join(' ', words.Select(ShellWords.Quote)));

    /// <summary>Runs <c>weft ARGS</c> in process and prints its output; a non-zero exit ends the demo with the command's error.</summary>
    public async Task<string> WeftAsync(CancellationToken ct, params string[] args)
    {
        await ShowCommandAsync(["weft", .. args]);
        var (code, output, error) = await RunQuietlyAsync(ct, args);
        await Out.WriteAsync(output);
        if (code != 0)
        {
            var message = error.Trim();
            message = message.StartsWith("Error: ", StringComparison.Ordinal) ? message["Error: ".Length..] : message;
            throw new DemoStepFailedException($"'weft {string.Join(' ', args.Select(ShellWords.Quote))}' failed (exit code {code})" +
                (message.Length > 0 ? $": {message}" : ""));
        }
        await Out.WriteAsync(error);
        return output;
    }

    /// <summary>
    /// Runs Docker's CLI against lab host h<paramref name="host"/>'s dockerd and prints its output, shown as
    /// <c>hN$ docker ARGS</c> (a shell where <c>eval "$(weft lab env hN)"</c> was run); a non-zero exit ends the demo.
    /// </summary>
    public async Task<string> DockerAsync(CancellationToken ct, int host, params string[] args)
    {
        await Out.WriteLineAsync($"h{host}$ docker " + string.Join(' ', args.Select(ShellWords.Quote)));
        var (code, output, error) = await DockerQuietlyAsync(ct, host, args);
        await Out.WriteAsync(output);
        if (code != 0)
            throw new DemoStepFailedException($"'docker {string.Join(' ', args.Select(ShellWords.Quote))}' on h{host} failed (exit code {code}): {error.Trim()}");
        return output;
    }

    /// <summary>Runs Docker's CLI against h<paramref name="host"/>'s dockerd without printing anything.</summary>
    public Task<(int ExitCode, string Out, string Err)> DockerQuietlyAsync(CancellationToken ct, int host, params string[] args) =>
        ExternalTool.RunAsync("docker", ["-H", new Weft.Cli.Lab.LabDockerPaths(labPrefix, host).DockerHost, .. args], TimeSpan.FromSeconds(60), ct);

    /// <summary>Runs <c>weft ARGS</c> in process without printing anything; returns the exit code and what it wrote.</summary>
    public async Task<(int ExitCode, string Out, string Err)> RunQuietlyAsync(CancellationToken ct, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await WeftCli.RunAsync(args, output, error, Environment, ct);
        return (code, output.ToString(), error.ToString());
    }

    private string? Environment(string name) => name switch
    {
        "WEFT_LAB_PREFIX" => labPrefix,
        "WEFT_HOST" => null,
        _ => context.Environment(name),
    };
}
