using Weft.DataPlane.Offload;

namespace Weft.DataPlane.Tests.Offload;

public sealed class OffloadSettingsTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("on", true)]
    [InlineData("off", false)]
    [InlineData(" OFF ", false)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void Weft_offloads_off_forces_the_plain_path(string? value, bool enabled) =>
        Assert.Equal(enabled, OffloadSettings.Parse(value).Enabled);

    [Fact]
    public void Features_name_what_is_on()
    {
        Assert.Equal("plain (offloads off)", DataPathFeatures.Plain.ToString());
        Assert.Equal("tap-tso tap-gro udp-mmsg udp-gso udp-gro", new DataPathFeatures(true, true, true, true, true, true).ToString());
    }
}
