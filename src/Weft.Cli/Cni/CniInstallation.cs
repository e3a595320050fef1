using Weft.Linux;
using Weft.Linux.Files;

namespace Weft.Cli.Cni;

/// <summary>
/// A Weft network made visible to CNI runtimes: its conflist in the configuration directory and the plugin in the plugin
/// directory. Install replaces both atomically (the plugin first, so a runtime never finds a conflist without its plugin);
/// uninstall removes the conflist, and the plugin once no Weft conflist is left. Both may be run again and say what they did.
/// </summary>
public static class CniInstallation
{
    /// <summary>rw-r--r--, as runtimes' own conflists are.</summary>
    private const UnixFileMode ConflistMode = (UnixFileMode)0b110_100_100;

    public static IReadOnlyList<string> Install(string network, string socket, string confDirectory, string binDirectory, CniPluginSource plugin)
    {
        // Both directories first, so one that cannot be made stops the install before anything is written.
        Writing(binDirectory, "--bin-dir", () => Directory.CreateDirectory(binDirectory));
        Writing(confDirectory, "--conf-dir", () => Directory.CreateDirectory(confDirectory));
        var installed = "";
        Writing(binDirectory, "--bin-dir", () => installed = plugin.InstallInto(binDirectory));
        var conflist = Path.Combine(confDirectory, CniConflist.FileName(network));
        Writing(confDirectory, "--conf-dir", () => AtomicFile.WriteText(conflist, ConflistMode, CniConflist.Json(network, socket)));
        return [installed, $"wrote {conflist}: network {network}, weftd socket {socket}"];
    }

    public static IReadOnlyList<string> Uninstall(string network, string confDirectory, string binDirectory)
    {
        var removed = Removing(confDirectory, "--conf-dir", Path.Combine(confDirectory, CniConflist.FileName(network)));
        var plugin = Path.Combine(binDirectory, CniConflist.PluginName);
        var others = Directory.Exists(confDirectory)
            ? Directory.GetFiles(confDirectory, CniConflist.FilePattern).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        return
        [
            removed,
            others.Count > 0 ? $"kept {plugin}: still used by {string.Join(", ", others)} in {confDirectory}" : Removing(binDirectory, "--bin-dir", plugin),
        ];
    }

    private static void Writing(string directory, string option, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LinuxException)
        {
            throw new CliException($"cannot write to {option} {directory}: {e.Message.TrimEnd('.')}; run as root or pass a writable {option}");
        }
    }

    private static string Removing(string directory, string option, string path)
    {
        if (!File.Exists(path)) return $"{path} is not there: nothing to remove";
        try
        {
            File.Delete(path);
            DirectorySync.Flush(directory);
            return $"removed {path}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LinuxException)
        {
            throw new CliException($"cannot remove {path} from {option} {directory}: {e.Message.TrimEnd('.')}; run as root");
        }
    }
}
