using System.Diagnostics;
using Weft.Linux.Processes;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Processes;

public sealed class ProcessSignalsTests
{
    [ToolFact("sleep")]
    public void Send_terminates_the_process_by_pid_and_a_gone_pid_is_ESRCH_naming_the_call()
    {
        using var sleeper = Process.Start("sleep", "30");
        try
        {
            ProcessSignals.Send(sleeper.Id, ProcessSignals.SIGTERM);
            Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(5)), "sleep did not exit on SIGTERM");
            Assert.Equal(128 + ProcessSignals.SIGTERM, sleeper.ExitCode); // .NET reports death by signal N as 128+N
        }
        finally
        {
            if (!sleeper.HasExited) sleeper.Kill();
        }

        var gone = Assert.Throws<LinuxException>(() => ProcessSignals.Send(sleeper.Id, ProcessSignals.SIGTERM));
        Assert.Equal(Errno.ESRCH, gone.ErrorNumber);
        Assert.Equal("kill", gone.Operation);
        Assert.Contains($"process {sleeper.Id}", gone.Message);
        Assert.Contains("ESRCH", gone.Message);
        Assert.False(ProcessSignals.SendIfRunning(sleeper.Id, ProcessSignals.SIGTERM));
    }

    [Fact]
    public void A_pid_that_would_signal_a_group_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessSignals.Send(0, ProcessSignals.SIGTERM));

    [ToolFact("id")]
    public void IsRoot_agrees_with_id_u() =>
        Assert.Equal(Tool.Run("id", "-u").EnsureSuccess("id -u").StdOut.Trim() == "0", Credentials.IsRoot);
}
