using Spectre.Console;

namespace Weft.Cli.Output;

/// <summary>A Spectre.Console console writing plain text (no colours or ANSI codes) to the CLI's output stream.</summary>
public static class Console
{
    public static IAnsiConsole For(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
