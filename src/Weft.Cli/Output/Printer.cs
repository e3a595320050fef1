using System.Text.Json;
using Weft.Templates;

namespace Weft.Cli.Output;

/// <summary>Prints list rows (default table, <c>--format</c>, <c>-q</c>) and inspect results (JSON array or <c>--format</c>).</summary>
public static class Printer
{
    public static async Task ListAsync(TextWriter output, IReadOnlyList<JsonElement> rows, string? format, bool quiet, string defaultFormat,
        IReadOnlyDictionary<string, string> headers)
    {
        if (quiet)
        {
            format = "{{.ID}}";
        }
        var docker = DockerFormat.Parse(string.IsNullOrEmpty(format) ? defaultFormat : format, DefaultColumns(defaultFormat));
        await output.WriteAsync(docker.Render(rows, headers));
    }

    /// <summary>Like <c>docker inspect</c>: without a format, an indented JSON array; with one, one line per object.</summary>
    public static async Task InspectAsync(TextWriter output, IReadOnlyList<JsonElement> items, string? format)
    {
        if (string.IsNullOrEmpty(format))
        {
            var json = JsonSerializer.Serialize(items, InspectJson);
            await output.WriteLineAsync(items.Count == 0 ? "[]" : json);
            return;
        }
        var template = GoTemplate.Parse(format.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal));
        foreach (var item in items)
        {
            await output.WriteLineAsync(template.Execute(item));
        }
    }

    private static readonly JsonSerializerOptions InspectJson = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string DefaultColumns(string defaultFormat) => defaultFormat.StartsWith("table", StringComparison.Ordinal)
        ? defaultFormat["table".Length..].Trim()
        : defaultFormat;
}
