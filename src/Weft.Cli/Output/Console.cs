using Spectre.Console;

namespace Weft.Cli.Output;

/// <summary>A Spectre.Console console writing plain text (no colours or ANSI codes) to the CLI's output stream.</summary>
public static class Console
{
    /// <summary>Wide enough that table cells never wrap when the output is a pipe or a file (Spectre assumes 80 there).</summary>
    public const int Width = 200;

    public static IAnsiConsole For(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Width;
        return console;
    }
}
