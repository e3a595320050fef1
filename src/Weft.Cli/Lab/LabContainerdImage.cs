using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace Weft.Cli.Lab;

/// <summary>
/// The lab's busybox as an image archive <c>ctr images import</c> reads (Docker's archive format: <c>manifest.json</c>,
/// the image config, one uncompressed layer), made from <see cref="LabBusyboxImage"/>'s root filesystem. Unlike Docker and
/// podman, ctr writes no <c>/etc/resolv.conf</c> into a container, so this image's names Weft's resolver, which weftd
/// serves inside every CNI container's namespace.
/// </summary>
internal static class LabContainerdImage
{
    public const string Reference = "localhost/" + LabBusyboxImage.Reference;

    public static byte[] BuildArchive()
    {
        var layer = WithResolver(LabBusyboxImage.BuildRootfsTar());
        var layerDigest = Convert.ToHexStringLower(SHA256.HashData(layer));
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:{{{layerDigest}}}"]}}""");
        var configName = Convert.ToHexStringLower(SHA256.HashData(config)) + ".json";
        var manifest = Encoding.UTF8.GetBytes($$"""[{"Config":"{{configName}}","RepoTags":["{{Reference}}"],"Layers":["{{layerDigest}}/layer.tar"]}]""");
        using var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
        {
            Add(writer, $"{layerDigest}/layer.tar", layer);
            Add(writer, configName, config);
            Add(writer, "manifest.json", manifest);
        }
        return archive.ToArray();
    }

    /// <summary>The root filesystem tar with <c>/etc/resolv.conf</c> naming Weft's resolver (127.0.0.11).</summary>
    private static byte[] WithResolver(byte[] rootfs)
    {
        using var input = new MemoryStream(rootfs);
        using var output = new MemoryStream();
        using (var reader = new TarReader(input))
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            while (reader.GetNextEntry(copyData: true) is { } entry)
            {
                if (entry.Name == "etc/resolv.conf")
                {
                    Add(writer, entry.Name, "nameserver 127.0.0.11\n"u8.ToArray());
                    continue;
                }
                writer.WriteEntry(entry);
            }
        }
        return output.ToArray();
    }

    private static void Add(TarWriter writer, string name, byte[] data) =>
        writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(data) });
}
