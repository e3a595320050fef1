namespace Weft.Templates;

/// <summary>A template that parsed but could not be executed against the data (for example a missing field).</summary>
public sealed class TemplateExecutionException : Exception
{
    public TemplateExecutionException(int line, int column, string action, string problem)
        : base($"template: :{line}:{column}: executing \"\" at <{action}>: {problem}")
    {
        Problem = problem;
    }

    public string Problem { get; }
}
