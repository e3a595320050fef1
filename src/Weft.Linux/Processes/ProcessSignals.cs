using Weft.Linux.Native;

namespace Weft.Linux.Processes;

/// <summary>Signals to a process by PID (<c>kill(2)</c>): the lab stops the agents it started by the PID it recorded, never by name.</summary>
public static class ProcessSignals
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; throws naming the call, the PID and errno (ESRCH: no such process).</summary>
    public static void Send(int pid, int signal)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), $"process id {pid}: only a single positive PID is signalled, never a group");
        if (Libc.Kill(pid, signal) != 0)
            throw new LinuxException("kill", $"process {pid} (signal {signal})", Libc.Errno);
    }

    /// <summary>Like <see cref="Send"/>, but a process that is already gone (ESRCH) is not an error; returns whether it was signalled.</summary>
    public static bool SendIfRunning(int pid, int signal)
    {
        try
        {
            Send(pid, signal);
            return true;
        }
        catch (LinuxException e) when (e.ErrorNumber == Errno.ESRCH)
        {
            return false;
        }
    }
}
