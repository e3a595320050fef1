namespace Weft.Cli;

/// <summary>
/// <c>weft exec NAME CMD ARGS...</c> passes CMD's own options through untouched (<c>ping -c 3</c>), as docker does:
/// a <c>--</c> is inserted after the container name so the parser takes the rest as arguments.
/// </summary>
internal static class ExecArguments
{
    private static readonly HashSet<string> GlobalOptionsWithValue = ["-H", "--host", "--lab-prefix"];

    public static string[] Separate(string[] args)
    {
        var i = 0;
        while (i < args.Length && args[i].StartsWith('-'))
        {
            i += GlobalOptionsWithValue.Contains(args[i]) ? 2 : 1;
        }
        if (i >= args.Length || args[i] != "exec")
        {
            return args;
        }
        // Skip exec's own flags (none take values), then the container name.
        var name = i + 1;
        while (name < args.Length && args[name].StartsWith('-') && args[name] != "--")
        {
            name++;
        }
        if (name + 1 >= args.Length || args[name] == "--" || args[name + 1] == "--")
        {
            return args;
        }
        return [.. args[..(name + 1)], "--", .. args[(name + 1)..]];
    }
}
