using Weft.Linux.Files;

namespace Weft.Linux.Tests.Files;

/// <summary>
/// <see cref="AtomicFile"/>: the new file has its content and exactly the mode asked for (whatever the umask), it replaces
/// the old one by rename (a reader that opened the old file still reads the old content), and a write that fails leaves the
/// old file as it was and no temp file. That no reader ever sees half a file follows from the rename and is not tested.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("weft-atomic-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_new_file_has_its_content_and_exactly_its_mode_and_no_temp_file_is_left()
    {
        var path = Path.Combine(_directory, "plugin");

        AtomicFile.WriteText(path, (UnixFileMode)0b111_101_101, "#!/bin/sh\n");

        Assert.Equal("#!/bin/sh\n", File.ReadAllText(path));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void An_existing_file_is_replaced_by_rename_so_a_reader_of_the_old_one_keeps_reading_it()
    {
        var path = Path.Combine(_directory, "50-weft-blue.conflist");
        File.WriteAllText(path, "old");
        using var reader = new StreamReader(path);

        AtomicFile.WriteText(path, (UnixFileMode)0b110_100_100, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal("old", reader.ReadToEnd());
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temp_file()
    {
        var path = Path.Combine(_directory, "50-weft-blue.conflist");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, (UnixFileMode)0b110_100_100, stream =>
        {
            stream.Write("half"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("disk full", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_missing_directory_is_an_error_and_creates_nothing()
    {
        var path = Path.Combine(_directory, "missing", "plugin");

        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteText(path, (UnixFileMode)0b111_101_101, ""));

        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }
}
