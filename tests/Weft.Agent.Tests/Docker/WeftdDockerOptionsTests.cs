using System.Diagnostics;

namespace Weft.Agent.Tests.Docker;

/// <summary>weftd refuses a bad Docker option at start with one line naming it, before it makes or listens on anything.</summary>
public sealed class WeftdDockerOptionsTests
{
    [Theory]
    [InlineData("--host-dns", "nope", "--host-dns must be an IP address of this host (e.g. 127.0.0.153), not 'nope'")]
    [InlineData("--docker-host", "not a url", "--docker-host must be a URL like unix:///var/run/docker.sock, not 'not a url'")]
    public async Task A_bad_docker_option_is_refused_naming_it(string option, string value, string message)
    {
        var directory = RunningAgent.NewDirectory();
        try
        {
            var weftd = Path.Combine(AppContext.BaseDirectory, "weftd.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in (string[])[weftd, "--socket", Path.Combine(directory, "weftd.sock"), "--data-dir", Path.Combine(directory, "data"),
                         "--data-path", "off", option, value])
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains(message, error + await output);
            Assert.False(File.Exists(Path.Combine(directory, "weftd.sock")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
