using System.Diagnostics;
using System.Text.RegularExpressions;
using Weft.DataPlane.Host;
using Weft.TestSupport;

namespace Weft.Lab.Tests;

/// <summary>
/// The userspace path supervises itself (issue 12, item 7): h3's TAP deleted under a steady ping ends its reader, which is
/// logged, counted in <c>weft info</c> (PathFailures) and rebuilt at once, and the ping resumes.
/// </summary>
public sealed partial class KernelPathTests
{
    [RootFact("ip", "ping")]
    public void A_tap_broken_under_traffic_is_counted_and_rebuilt_and_the_traffic_resumes_within_two_seconds()
    {
        var failuresBefore = Info(3).GetProperty("PathFailures").GetInt64();
        var ping = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", lab.NamespaceOf("kp-c", 3), "ping", "-c", "60", "-i", "0.1", "-W", "1", lab.AddressOf("kp-a", "kp")])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        try
        {
            Thread.Sleep(1000);
            Tool.Run("ip", ["-n", lab.Sandbox(3), "link", "del", HostNames.Tap], TimeSpan.FromSeconds(5)).EnsureSuccess("ip link del vtep0 in h3's sandbox");
            Assert.True(ping.WaitForExit(TimeSpan.FromSeconds(30)), "ping finished");
            var answered = Regex.Matches(ping.StandardOutput.ReadToEnd(), @"icmp_seq=(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            var lost = Enumerable.Range(1, 60).Where(seq => !answered.Contains(seq)).ToList();
            Assert.True(lost.Count <= 20, $"the outage lasted {lost.Count} pings of 100 ms: {string.Join(',', lost)}");
            Assert.True(answered.Contains(60) && answered.Contains(59), "traffic resumed");
        }
        finally
        {
            if (!ping.HasExited) ping.Kill();
            ping.Dispose();
        }
        Assert.True(Info(3).GetProperty("PathFailures").GetInt64() > failuresBefore, "the broken path is counted");
        Assert.True(Tool.Run("ip", ["-n", lab.Sandbox(3), "link", "show", HostNames.Tap], TimeSpan.FromSeconds(5)).ExitCode == 0, "a new TAP is on the bridge");
    }
}
