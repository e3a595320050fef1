namespace Weft.Cluster.Pki;

/// <summary>
/// Writes credential files readable by their owner only (0600) inside a directory only the owner can enter (0700).
/// The mode is set when the file is created, so there is no moment where a key is world-readable.
/// </summary>
internal static class SecureFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void EnsureDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                return;
            if (OperatingSystem.IsWindows())
                throw new PlatformNotSupportedException("Weft's cluster credentials need a Unix file system");
            Directory.CreateDirectory(directory, DirectoryMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterException($"create cluster data directory '{directory}' failed: {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="text"/> to a new temp file with mode 0600 and renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".tmp";
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Weft's cluster credentials need a Unix file system");
        try
        {
            File.Delete(temp);
            var options = new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            };
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(text);
            File.SetUnixFileMode(temp, FileMode);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterException($"write '{path}' failed: {e.Message}", e);
        }
    }

    /// <summary>Refuses a key file that group or others may access (as ssh does), so a leaked mode is noticed, not ignored.</summary>
    public static void EnsurePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) != 0)
            throw new ClusterException($"load key '{path}' failed: group or others can access it (mode {Convert.ToString((int)mode, 8)}); run chmod 600 '{path}'");
    }

    public static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (FileNotFoundException e)
        {
            throw new ClusterException($"read '{path}' failed: file not found (has this node run 'cluster init' or 'cluster join'?)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterException($"read '{path}' failed: {e.Message}", e);
        }
    }
}
