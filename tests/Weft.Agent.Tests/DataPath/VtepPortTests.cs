using Weft.Agent.DataPath;

namespace Weft.Agent.Tests.DataPath;

public sealed class VtepPortTests : IDisposable
{
    private readonly string _directory = RunningAgent.NewDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_first_start_has_no_port_to_take_again_and_a_restart_gets_the_one_remembered()
    {
        Assert.Equal(0, VtepPort.Remembered(_directory));
        VtepPort.Remember(_directory, 43127);
        Assert.Equal(43127, VtepPort.Remembered(_directory));
        VtepPort.Remember(_directory, 40001);
        Assert.Equal(40001, VtepPort.Remembered(_directory));
    }

    [Fact]
    public void A_damaged_file_means_any_free_port()
    {
        File.WriteAllText(Path.Combine(_directory, "vtep-port"), "not a port");
        Assert.Equal(0, VtepPort.Remembered(_directory));
        File.WriteAllText(Path.Combine(_directory, "vtep-port"), "70000");
        Assert.Equal(0, VtepPort.Remembered(_directory));
    }
}
