namespace Weft.Cli.Lab;

/// <summary>
/// <c>weft lab up --data-path</c>: one weftd <c>--data-path</c> for every host, or one per host separated by commas (h1's
/// first; the last holds for the hosts after it), so one lab can mix kernel-path and userspace hosts.
/// </summary>
public sealed class LabDataPaths
{
    private static readonly string[] Modes = ["auto", "kernel", "userspace", "off"];
    private readonly string[] _perHost;

    private LabDataPaths(string[] perHost) => _perHost = perHost;

    /// <summary>Null for null or empty; a <see cref="CliException"/> naming the bad value and the choices otherwise.</summary>
    public static LabDataPaths? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var modes = text.Split(',', StringSplitOptions.TrimEntries).Select(m => m.ToLowerInvariant()).ToArray();
        foreach (var mode in modes)
        {
            if (!Modes.Contains(mode))
                throw new CliException($"--data-path {text}: '{mode}' is not a data path; use {string.Join(", ", Modes)}, or one per host like kernel,userspace");
        }
        return new LabDataPaths(modes);
    }

    /// <summary>The mode of host <paramref name="host"/> (1-based).</summary>
    public string For(int host) => _perHost[Math.Min(host, _perHost.Length) - 1];
}
