namespace Weft.Templates;

/// <summary>A template that does not parse: names the position (1-based line and column) and what was expected.</summary>
public sealed class TemplateParseException : Exception
{
    public TemplateParseException(int line, int column, string problem)
        : base($"template: :{line}:{column}: {problem}")
    {
        Line = line;
        Column = column;
        Problem = problem;
    }

    public int Line { get; }
    public int Column { get; }
    public string Problem { get; }
}
