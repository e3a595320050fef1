using System.Text;
using System.Text.Json;

namespace Weft.Templates;

/// <summary>
/// A <c>--format</c> value as Docker's list commands read it: an optional <c>table</c> prefix (header row from
/// the field names, tab-aligned columns), literal <c>\t</c> and <c>\n</c> turned into tab and newline, and the
/// shorthand <c>json</c> for <c>{{json .}}</c>. Each row's output is followed by a newline.
/// </summary>
public sealed class DockerFormat
{
    private const string TablePrefix = "table";

    private DockerFormat(GoTemplate template, bool isTable)
    {
        Template = template;
        IsTable = isTable;
    }

    public GoTemplate Template { get; }

    public bool IsTable { get; }

    /// <param name="format">the user's format.</param>
    /// <param name="defaultTable">the row template used for a bare "table" (Docker's default columns).</param>
    /// <exception cref="TemplateParseException">the template does not parse.</exception>
    public static DockerFormat Parse(string format, string defaultTable = "{{.ID}}")
    {
        ArgumentNullException.ThrowIfNull(format);
        var isTable = format.StartsWith(TablePrefix, StringComparison.Ordinal);
        var body = isTable ? format[TablePrefix.Length..] : format;
        body = body.Trim(' ');
        if (isTable && body.Length == 0)
        {
            body = defaultTable;
        }
        if (body == "json")
        {
            body = "{{json .}}";
        }
        body = body.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        return new DockerFormat(GoTemplate.Parse(body), isTable);
    }

    /// <exception cref="TemplateExecutionException">a row names a missing field.</exception>
    public string Render(IEnumerable<JsonElement> rows, IReadOnlyDictionary<string, string> headers)
    {
        var output = new StringBuilder();
        var list = rows.ToList();
        if (IsTable)
        {
            output.Append(Template.ExecuteHeader(name => Header(headers, name), list.FirstOrDefault())).Append('\n');
        }
        foreach (var row in list)
        {
            output.Append(Template.Execute(row)).Append('\n');
        }
        return IsTable ? TabWriter.Format(output.ToString()) : output.ToString();
    }

    /// <summary>The header Docker shows for a field: from the command's header map, else the name upper-cased with spaces between words.</summary>
    public static string Header(IReadOnlyDictionary<string, string> headers, string field)
    {
        if (headers.TryGetValue(field, out var header))
        {
            return header;
        }
        var sb = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (i > 0 && char.IsUpper(field[i]) && char.IsLower(field[i - 1]))
            {
                sb.Append(' ');
            }
            sb.Append(char.ToUpperInvariant(field[i]));
        }
        return sb.ToString();
    }
}
