using System.Globalization;
using Weft.Api.Dto;

namespace Weft.Cli.Output;

/// <summary>The text of <c>weft network diagnose</c>: one line per link, then what is wrong with each broken one.</summary>
public static class DiagnosisReport
{
    public static async Task WriteAsync(TextWriter output, NetworkDiagnosis diagnosis)
    {
        if (diagnosis.Message.Length > 0)
        {
            await output.WriteLineAsync($"Network {diagnosis.Network} from {diagnosis.Host}:");
            await output.WriteLineAsync($"  NOT DIAGNOSED: {diagnosis.Message}");
            return;
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Network {diagnosis.Network} (VNI {diagnosis.Vni}{(diagnosis.Encrypted ? ", encrypted" : "")}, MTU {diagnosis.Mtu}: {diagnosis.FrameBytes}-byte frames in {diagnosis.UnderlayBytes}-byte underlay packets) from {diagnosis.Host}:"));
        if (diagnosis.Links.Count == 0)
        {
            await output.WriteLineAsync("  no other host has a container on this network: no link to probe");
            return;
        }
        var rows = diagnosis.Links.Select(l => (l.Node, l.Endpoint, l.Status.ToUpperInvariant(),
            l.RttMicroseconds is { } rtt ? string.Create(CultureInfo.InvariantCulture, $"{rtt:0} µs") : "-",
            l.LargestFrameBytes is { } largest ? largest.ToString(CultureInfo.InvariantCulture) : "-")).ToList();
        rows.Insert(0, ("HOST", "ENDPOINT", "STATUS", "RTT", "LARGEST FRAME"));
        int Width(Func<(string, string, string, string, string), string> column) => rows.Max(r => column(r).Length) + 3;
        int w1 = Width(r => r.Item1), w2 = Width(r => r.Item2), w3 = Width(r => r.Item3), w4 = Width(r => r.Item4);
        foreach (var r in rows)
            await output.WriteLineAsync($"  {r.Item1.PadRight(w1)}{r.Item2.PadRight(w2)}{r.Item3.PadRight(w3)}{r.Item4.PadRight(w4)}{r.Item5}".TrimEnd());
        foreach (var link in diagnosis.Links.Where(l => l.Message.Length > 0))
            await output.WriteLineAsync($"{link.Status.ToUpperInvariant()}: {link.Message}");
        if (diagnosis.Healthy) await output.WriteLineAsync("All links carry full-size overlay packets.");
    }
}
