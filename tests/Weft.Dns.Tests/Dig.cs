using System.Net;
using System.Text.RegularExpressions;
using Weft.TestSupport;

namespace Weft.Dns.Tests;

/// <summary>Runs BIND's dig against a server: the independent client of the DNS tests.</summary>
internal static partial class Dig
{
    public static ToolResult Run(IPEndPoint server, params string[] args) =>
        Tool.Run("dig", [$"@{server.Address}", "-p", server.Port.ToString(), "+time=3", "+tries=1", .. args],
            TimeSpan.FromSeconds(20));

    /// <summary>The answer lines of +short, trimmed.</summary>
    public static string[] Short(IPEndPoint server, params string[] args) =>
        Run(server, [.. args, "+short"]).EnsureSuccess("dig +short").StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The "status:" of the header dig prints (NOERROR, SERVFAIL, ...).</summary>
    public static string Status(string digOutput)
    {
        var match = StatusRegex().Match(digOutput);
        return match.Success ? match.Groups[1].Value : $"(no status in: {digOutput})";
    }

    /// <summary>The header flags dig prints ("qr aa rd ra").</summary>
    public static string[] Flags(string digOutput)
    {
        var match = FlagsRegex().Match(digOutput);
        return match.Success ? match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    [GeneratedRegex(@"status: ([A-Z]+)")]
    private static partial Regex StatusRegex();

    [GeneratedRegex(@";; flags: ([a-z ]+);")]
    private static partial Regex FlagsRegex();
}
