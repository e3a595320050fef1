using Weft.Linux.Files;

namespace Weft.Linux.Tests.Files;

public sealed class DirectorySyncTests
{
    [Fact]
    public void An_existing_directory_is_flushed()
    {
        var directory = Directory.CreateTempSubdirectory("weft-sync-").FullName;
        try
        {
            DirectorySync.Flush(directory);
        }
        finally
        {
            Directory.Delete(directory);
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
            Assert.Equal("ENOTDIR", Assert.Throws<LinuxException>(() => DirectorySync.Flush(file)).ErrorName);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
