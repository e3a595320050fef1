using System.CommandLine;
using System.Net;
using System.Text.Json;
using Weft.Api;
using Weft.Cli.Output;
using Weft.Templates;

namespace Weft.Cli.Commands;

/// <summary>
/// Docker's inspect: each name is tried against the lookups in order; what is found is printed as one JSON array (or
/// through <c>--format</c>, checked before any call), what is not is named on stderr and makes the exit code 1.
/// </summary>
internal static class InspectCommand
{
    /// <summary>What to do when a name is none of the kinds <c>weft inspect</c> looks up (containers, then networks).</summary>
    public const string NotFoundRemedy = "list containers with 'weft ps' and networks with 'weft network ls'";

    public delegate Task<JsonElement> Lookup(WeftApiClient client, string name, CancellationToken ct);

    public static Command Create(CliContext context, string description, string argument, string argumentDescription, params Lookup[] lookups)
    {
        var names = new Argument<string[]>(argument) { Description = argumentDescription, Arity = ArgumentArity.OneOrMore };
        var format = new Option<string?>("--format", "-f") { Description = "Go template applied to each object" };
        var command = new Command("inspect", description) { names, format };
        context.Handle(command, async (parse, ct) =>
        {
            var template = parse.GetValue(format);
            if (!string.IsNullOrEmpty(template)) GoTemplate.Parse(template);
            using var client = context.Client(parse);
            var found = new List<JsonElement>();
            var errors = new List<string>();
            foreach (var name in parse.GetValue(names)!)
            {
                var notFound = "";
                JsonElement? hit = null;
                foreach (var lookup in lookups)
                {
                    try
                    {
                        hit = await lookup(client, name, ct);
                        break;
                    }
                    catch (WeftApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                    {
                        notFound = e.Message;
                    }
                }
                if (hit is { } element) found.Add(element);
                else errors.Add(lookups.Length == 1 ? notFound : $"No such object: {name}: {NotFoundRemedy}");
            }
            if (found.Count > 0 || errors.Count == 0) await Printer.InspectAsync(context.Out, found, template);
            foreach (var error in errors) await context.Err.WriteLineAsync($"Error: {error}");
            return errors.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
