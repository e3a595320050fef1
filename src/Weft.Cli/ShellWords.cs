namespace Weft.Cli;

/// <summary>Words for a POSIX shell: plain ones as they are, anything else in single quotes (a quote inside as '\'').</summary>
public static class ShellWords
{
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',' or '@')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
