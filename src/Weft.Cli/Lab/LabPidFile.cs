using System.Globalization;

namespace Weft.Cli.Lab;

/// <summary>The pid files the lab keeps for the processes it starts (weftd) or that write their own (dockerd).</summary>
internal static class LabPidFile
{
    /// <summary>The PID <paramref name="path"/> names, live or not; null without a readable pid file.</summary>
    public static int? Read(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
