using System.Diagnostics;
using System.Formats.Tar;

namespace Weft.Cli.Lab;

/// <summary>
/// The lab's <c>busybox:latest</c> image (no registry is reachable): a root filesystem tar of Debian's busybox-static,
/// <c>/bin/busybox</c> with a link for every applet it has, empty <c>/etc/resolv.conf</c>, <c>/etc/hosts</c> and
/// <c>/etc/hostname</c> for docker to mount over, and <c>/tmp</c>; made in memory (about 2 MB) once per <c>lab up</c>
/// and imported into every host's dockerd with <c>CMD ["sh"]</c>, like <c>docker import -c 'CMD ["sh"]'</c>.
/// </summary>
internal static class LabBusyboxImage
{
    public const string Repository = "busybox";
    public const string Tag = "latest";
    public const string Reference = Repository + ":" + Tag;
    public const string Changes = "CMD [\"sh\"]";

    /// <summary>Where Debian's busybox-static puts its binary (the dynamic busybox package conflicts with it).</summary>
    public const string Binary = "/bin/busybox";

    /// <summary>Applets the lab's tests and the demo use; refused when this busybox lacks one.</summary>
    public static readonly IReadOnlyList<string> RequiredApplets =
        ["sh", "ping", "nslookup", "wget", "nc", "ip", "ifconfig", "cat", "sleep", "hostname", "dd", "md5sum", "sha256sum", "httpd", "route", "seq"];

    public static byte[] BuildRootfsTar()
    {
        if (!File.Exists(Binary))
            throw new CliException($"lab: {Binary} is missing: the lab's busybox image needs Debian's busybox-static (scripts/setup-system --docker installs it)");
        var applets = Applets();
        if (RequiredApplets.FirstOrDefault(a => !applets.Contains(a)) is { } missing)
            throw new CliException($"lab: {Binary} has no '{missing}' applet; install Debian's busybox-static (scripts/setup-system --docker)");

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            const UnixFileMode directory = (UnixFileMode)0b111_101_101; // 0755
            const UnixFileMode file = (UnixFileMode)0b110_100_100; // 0644
            Add(writer, TarEntryType.Directory, "bin/", directory);
            using (var binary = File.OpenRead(Binary))
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = directory, DataStream = binary });
            }
            foreach (var applet in applets.Where(a => a != "busybox").Order(StringComparer.Ordinal))
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox", Mode = (UnixFileMode)0b111_111_111 });
            }
            Add(writer, TarEntryType.Directory, "etc/", directory);
            foreach (var empty in (string[])["etc/resolv.conf", "etc/hosts", "etc/hostname"])
            {
                Add(writer, TarEntryType.RegularFile, empty, file);
            }
            Add(writer, TarEntryType.Directory, "tmp/", (UnixFileMode)0b1_111_111_111); // 1777
        }
        return tar.ToArray();
    }

    private static void Add(TarWriter writer, TarEntryType type, string name, UnixFileMode mode) =>
        writer.WriteEntry(new UstarTarEntry(type, name) { Mode = mode });

    /// <summary>The applet names <c>busybox --list</c> prints.</summary>
    private static HashSet<string> Applets()
    {
        var start = new ProcessStartInfo(Binary, "--list") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new CliException($"lab: cannot run {Binary} --list");
        var list = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // Applets are plain names; anything with a slash could escape bin/ in the tar.
        return [.. list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(a => !a.Contains('/'))];
    }
}
