using Weft.Agent.DataPath;

namespace Weft.Agent.Tests.DataPath;

public sealed class HeldEpochsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("weft-held-").FullName;

    private string FilePath => Path.Combine(_directory, HeldEpochs.FileName);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_host_that_never_held_a_key_of_a_network_has_no_highest_epoch()
    {
        var held = HeldEpochs.Open(FilePath);
        Assert.Null(held.Highest("n1"));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void Recorded_epochs_survive_a_reopen_per_network_and_never_go_down()
    {
        var held = HeldEpochs.Open(FilePath);
        held.Record("n1", 3);
        held.Record("n2", 1);
        held.Record("n1", 2); // an older epoch installed later (a rotation's overlap) does not lower it

        var reopened = HeldEpochs.Open(FilePath);
        Assert.Equal(3u, reopened.Highest("n1"));
        Assert.Equal(1u, reopened.Highest("n2"));
        Assert.Null(reopened.Highest("n3"));
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public void The_file_is_readable_by_its_owner_only()
    {
        HeldEpochs.Open(FilePath).Record("n1", 1);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public void A_damaged_file_is_an_error_naming_it_not_an_empty_record()
    {
        File.WriteAllText(FilePath, "{\"n1\": 4"); // cut short
        var error = Assert.Throws<InvalidOperationException>(() => HeldEpochs.Open(FilePath));
        Assert.Contains(FilePath, error.Message);
        Assert.Contains("stay closed", error.Message);
    }
}
