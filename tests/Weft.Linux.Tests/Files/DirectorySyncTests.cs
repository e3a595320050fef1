using Weft.Linux.Files;

namespace Weft.Linux.Tests.Files;

/// <summary>
/// What these tests can show and what they cannot: that <see cref="DirectorySync.Flush"/> opens the directory it is given
/// (a missing path or a file is an error naming the call, the path and errno, so a Flush that did nothing fails), that it
/// succeeds on a real directory after the write-fsync-rename sequence it exists for and leaves the renamed file in place
/// with its content, and that it closes what it opened. They cannot show that the directory's entries reached the disk:
/// only a power cut between the rename and the next writeback would, and no test here can make one (nor does the temp
/// file system necessarily have a disk behind it). That the fsync itself is issued rests on reading the code.
/// </summary>
public sealed class DirectorySyncTests
{
    [Fact]
    public void A_file_written_to_a_temp_name_synced_and_renamed_is_in_place_with_its_content_and_no_descriptor_is_left_open()
    {
        var directory = Directory.CreateTempSubdirectory("weft-sync-").FullName;
        try
        {
            var target = Path.Combine(directory, "state.json");
            var temp = target + ".tmp";
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write("{\"epoch\":7}"u8);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target);

            DirectorySync.Flush(directory);

            Assert.Equal("{\"epoch\":7}", File.ReadAllText(target));
            Assert.Equal([target], Directory.GetFiles(directory));
            Assert.DoesNotContain(directory, OpenDescriptorTargets());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_missing_directory_or_a_file_is_an_error_naming_it_and_errno()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"weft-sync-missing-{Guid.NewGuid():N}");
        var error = Assert.Throws<LinuxException>(() => DirectorySync.Flush(missing));
        Assert.Equal("open", error.Operation);
        Assert.Contains(missing, error.Message);
        Assert.Equal("ENOENT", error.ErrorName);

        var file = Path.GetTempFileName();
        try
        {
            var notDirectory = Assert.Throws<LinuxException>(() => DirectorySync.Flush(file));
            Assert.Equal("ENOTDIR", notDirectory.ErrorName);
            Assert.Contains(file, notDirectory.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>What this process's file descriptors point at (entries that close while being read are skipped).</summary>
    private static List<string> OpenDescriptorTargets()
    {
        var targets = new List<string>();
        foreach (var fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target) targets.Add(target);
            }
            catch (IOException)
            {
            }
        }
        return targets;
    }
}
