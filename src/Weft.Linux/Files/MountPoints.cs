using Weft.Linux.Native;

namespace Weft.Linux.Files;

/// <summary>The mount points of this process's mount namespace (<c>/proc/self/mountinfo</c>), and detaching them.</summary>
public static class MountPoints
{
    /// <summary>The mount points at or below <paramref name="directory"/>, deepest first (the order to unmount them in).</summary>
    public static IReadOnlyList<string> Under(string directory)
    {
        var root = directory.TrimEnd('/');
        return [.. File.ReadLines("/proc/self/mountinfo")
            .Select(line => Unescape(line.Split(' ')[4]))
            .Where(point => point == root || point.StartsWith(root + "/", StringComparison.Ordinal))
            .Distinct()
            .OrderByDescending(point => point.Length)];
    }

    /// <summary>Detaches the mount at <paramref name="path"/> (<c>umount2(MNT_DETACH)</c>); a path that is no mount point (EINVAL) is not an error.</summary>
    public static void Detach(string path)
    {
        if (Libc.Umount2(path, Libc.MNT_DETACH) != 0 && Libc.Errno != Errno.EINVAL)
            throw new LinuxException("umount2", $"mount point '{path}'", Libc.Errno);
    }

    // mountinfo writes space, tab, newline and backslash in paths as \040, \011, \012 and \134.
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
