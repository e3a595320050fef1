using System.Diagnostics;

namespace Weft.Cli.Tests;

/// <summary><see cref="ShellWords.Quote"/>: plain words stay as they are, and every word comes back from /bin/sh as it went in.</summary>
public sealed class ShellWordsTests
{
    [Fact]
    public void Plain_words_are_left_alone()
    {
        Assert.Equal("/opt/cni/bin/weft-cni", ShellWords.Quote("/opt/cni/bin/weft-cni"));
        Assert.Equal("--subnet=10.1.0.0/24,x@y", ShellWords.Quote("--subnet=10.1.0.0/24,x@y"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("it's")]
    [InlineData("$HOME \"$(id)\" `id` \\ ; | & * ?")]
    [InlineData("line\nbreak")]
    public void Sh_reads_back_the_word_it_was_given(string word)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"printf '%s' {ShellWords.Quote(word)}");
        using var shell = Process.Start(start)!;
        var output = shell.StandardOutput.ReadToEnd();
        Assert.True(shell.WaitForExit(10_000), "sh finished");

        Assert.Equal(word, output);
    }
}
