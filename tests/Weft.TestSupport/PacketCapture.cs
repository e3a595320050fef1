using System.Diagnostics;

namespace Weft.TestSupport;

/// <summary>
/// tcpdump running inside a lab namespace, writing a pcap for tshark (or Weft's own reader) to dissect afterwards.
/// Started in immediate mode (otherwise packets wait in a TPACKET_V3 ring block for up to a second and are lost when
/// tcpdump is stopped); stopped by its PID with SIGTERM so it closes the file, also from Dispose after a failure.
/// </summary>
public sealed class PacketCapture : IDisposable
{
    private Process? _process;

    private PacketCapture(string path, Process process)
    {
        Path = path;
        _process = process;
    }

    public string Path { get; }

    /// <summary>Starts capturing on <paramref name="device"/> in <paramref name="namespaceName"/>; returns once tcpdump listens.</summary>
    public static PacketCapture Start(string namespaceName, string device, string path, params string[] filter)
    {
        var psi = new ProcessStartInfo(Tool.Find("ip") ?? "ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", namespaceName, "tcpdump", "--immediate-mode", "-i", device, "-U", "-w", path }.Concat(filter))
            psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start tcpdump in {namespaceName}");
        var capture = new PacketCapture(path, process);
        process.StandardOutput.ReadToEndAsync();
        var listening = process.StandardError.ReadLineAsync();
        if (!listening.Wait(TimeSpan.FromSeconds(10)) || listening.Result is not { } line || !line.Contains("listening on"))
        {
            capture.Dispose();
            throw new InvalidOperationException($"tcpdump in {namespaceName} did not start listening on {device}");
        }
        process.StandardError.ReadToEndAsync();
        return capture;
    }

    /// <summary>Stops tcpdump (SIGTERM by PID, so it flushes and closes the file) and waits for it.</summary>
    public void Stop()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                Tool.Run("kill", "-TERM", _process.Id.ToString());
                if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) _process.Kill();
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    public void Dispose() => Stop();
}
