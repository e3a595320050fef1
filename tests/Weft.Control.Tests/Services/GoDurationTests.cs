using Weft.Control.Services;

namespace Weft.Control.Tests.Services;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("12h", 12 * 3600_000L)]
    [InlineData("1h30m", 90 * 60_000L)]
    [InlineData("90s", 90_000L)]
    [InlineData("1.5h", 90 * 60_000L)]
    [InlineData("500ms", 500L)]
    [InlineData("2m3s", 123_000L)]
    public void Parses_go_style_durations(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("h")]
    [InlineData("5d")]
    [InlineData("1h30")]
    [InlineData("-1h")]
    [InlineData("1H")]
    public void Refuses_anything_else(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
