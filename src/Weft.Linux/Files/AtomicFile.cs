namespace Weft.Linux.Files;

/// <summary>
/// Replaces a file all at once: the content goes to a new hidden temp file in the same directory, created with its final
/// mode, is flushed to disk and renamed over the target, and the directory is synced. A reader (a container runtime
/// scanning its CNI directories, a runtime starting a plugin) sees the old file or the new one, never half of one; a running
/// binary that is replaced keeps running (rename, unlike writing into it, does not meet "text file busy").
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with <paramref name="write"/> and mode <paramref name="mode"/>. On failure the temp file
    /// is removed and the exception (IOException, UnauthorizedAccessException, LinuxException) passes on.
    /// </summary>
    public static void Write(string path, UnixFileMode mode, Action<Stream> write)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("AtomicFile sets Unix file modes");
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode };
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            // The creation mode went through the umask; the file gets exactly the one asked for.
            File.SetUnixFileMode(temp, mode);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            RemoveQuietly(temp);
            throw;
        }
        DirectorySync.Flush(directory);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> as <see cref="Write"/> does.</summary>
    public static void WriteText(string path, UnixFileMode mode, string text) =>
        Write(path, mode, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    private static void RemoveQuietly(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write's own error is the one to report; a temp file that could not be made cannot be removed either.
        }
    }
}
