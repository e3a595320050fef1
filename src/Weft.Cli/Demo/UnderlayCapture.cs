using System.Diagnostics;
using Weft.Wire;

namespace Weft.Cli.Demo;

/// <summary>
/// tcpdump on the lab's underlay bridge, in the lab's wire namespace, waiting for one VXLAN frame that carries an
/// IPv4 ICMP echo request (so IPv6 router solicitations or replies that also cross the wire are not picked).
/// Bounded three ways: <c>-c 1</c>, <c>timeout</c> around tcpdump (so it ends even if the demo is killed), and
/// <see cref="Dispose"/>, which kills what is left by process id.
/// </summary>
internal sealed class UnderlayCapture : IDisposable
{
    /// <summary>Offsets from the start of the outer UDP header: inner EtherType, inner IPv4 protocol, ICMP type (no IP options).</summary>
    public static readonly string Filter =
        $"udp dst port {VxlanHeader.DefaultPort} and udp[{UdpHeader.Size + VxlanHeader.Size + 12}:2] = 0x0800 " +
        $"and udp[{UdpHeader.Size + VxlanHeader.Size + EthernetHeader.Size + 9}] = {IPv4Header.ProtocolIcmp} " +
        $"and udp[{UdpHeader.Size + VxlanHeader.Size + EthernetHeader.Size + IPv4Header.MinSize}] = {IcmpEcho.TypeEchoRequest}";

    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(30);
    private Process? _process;

    private UnderlayCapture(Process process, string path)
    {
        _process = process;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// The command <see cref="StartAsync"/> runs. <c>-Z root</c>: Debian's tcpdump otherwise drops to user tcpdump before
    /// opening the file, which then cannot be written in the demo's private (root-only) directory.
    /// </summary>
    public static string[] CommandLine(string namespaceName, string device, string path) =>
    [
        "ip", "netns", "exec", namespaceName, "timeout", $"{SafetyTimeout.TotalSeconds}",
        "tcpdump", "--immediate-mode", "-U", "-Z", "root", "-i", device, "-c", "1", "-w", path, Filter,
    ];

    /// <summary>Starts tcpdump and returns once it is listening.</summary>
    public static async Task<UnderlayCapture> StartAsync(string namespaceName, string device, string path, CancellationToken ct)
    {
        var command = CommandLine(namespaceName, device, path);
        var process = Process.Start(ExternalTool.StartInfo(command[0], command[1..])) ?? throw new CliException("demo: could not start tcpdump");
        var capture = new UnderlayCapture(process, path);
        try
        {
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
            listening.CancelAfter(ListenTimeout);
            string? line;
            do
            {
                line = await process.StandardError.ReadLineAsync(listening.Token);
            }
            while (line is not null && !line.Contains("listening on", StringComparison.Ordinal));
            if (line is null)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new CliException($"demo: tcpdump in {namespaceName} exited (code {process.ExitCode}) before capturing on {device}");
            }
            _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
            return capture;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            capture.Dispose();
            throw new CliException($"demo: tcpdump in {namespaceName} did not start listening on {device} within {ListenTimeout.TotalSeconds} s");
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>Waits until tcpdump has written its one frame and exited; false if none came within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForFrameAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_process is null) return false;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
        return _process.ExitCode == 0;
    }

    /// <summary>Kills tcpdump (and the timeout around it) by process id if it is still running.</summary>
    public void Dispose()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }
}
