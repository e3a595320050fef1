// Design note: Weft's --format takes Go text/template syntax, because that is what Docker users type.
// No .NET library implements Go templates, so this is a hand-written subset: a lexer and recursive-descent
// parser shaped like Go's text/template/parse, and a tree-walking executor over System.Text.Json's
// JsonElement (the Docker-shaped JSON the API returns), so field names are exactly the JSON's.
// Supported: {{.A.B}}, {{.}}, $ and $var (with := and =), {{if}}/{{else if}}/{{else}}, {{with}}, {{range}}
// over arrays and objects (keys in Go's sorted map order; $k, $v := form), pipelines with |, parentheses,
// string/raw/number/bool literals, trim markers {{- -}}, comments, and the functions in Functions.cs.
// JSON objects behave like Go structs: a missing field is an execution error, as Docker reports it.
// Parsing happens once (Parse); a parse error is always TemplateParseException with line:column and what
// was expected; an execution error is TemplateExecutionException.
using System.Text;
using System.Text.Json;

namespace Weft.Templates;

/// <summary>A parsed Go-style template, executed against JSON data.</summary>
public sealed class GoTemplate
{
    private readonly IReadOnlyList<Node> _nodes;

    private GoTemplate(string text, IReadOnlyList<Node> nodes)
    {
        Text = text;
        _nodes = nodes;
    }

    public string Text { get; }

    /// <exception cref="TemplateParseException">the text is not a valid template.</exception>
    public static GoTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new GoTemplate(text, Parser.Parse(text));
    }

    /// <exception cref="TemplateExecutionException">the template names a missing field or misuses a function.</exception>
    public string Execute(JsonElement data)
    {
        var output = new StringBuilder();
        new Executor(output, data, header: null).Run(_nodes, data);
        return output.ToString();
    }

    /// <summary>Executes with every field replaced by its column header (Docker's table header row).</summary>
    public string ExecuteHeader(Func<string, string> header, JsonElement sample)
    {
        var output = new StringBuilder();
        new Executor(output, sample, header).Run(_nodes, sample);
        return output.ToString();
    }
}
