using Weft.Linux.Native;

namespace Weft.Linux.Files;

/// <summary>
/// Makes a rename inside a directory durable: <c>fsync(2)</c> on the directory itself (.NET has no API for it; a file
/// written, fsynced and renamed into place can still come back as the old file after a crash until its directory is synced).
/// </summary>
public static class DirectorySync
{
    private const int O_DIRECTORY = 0x10000;

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk; throws naming the call, the directory and errno.</summary>
    public static void Flush(string directory)
    {
        var fd = Libc.Open(directory, Libc.O_RDONLY | O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw new LinuxException("open", $"directory '{directory}'", Libc.Errno);
        try
        {
            if (Libc.Fsync(fd) != 0) throw new LinuxException("fsync", $"directory '{directory}'", Libc.Errno);
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
