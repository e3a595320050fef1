using Weft.Linux.Processes;
using Xunit;

namespace Weft.TestSupport;

/// <summary>
/// A fact that needs root (network namespaces, TAP, netlink writes). When the
/// test process is not root it is reported as skipped with the reason, never as passed.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute(params string[] tools)
    {
        Skip = Requirements.Missing(needRoot: true, tools);
    }
}

/// <summary>A fact that needs external tools on PATH (e.g. tshark) but not root.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        Skip = Requirements.Missing(needRoot: false, tools);
    }
}

internal static class Requirements
{
    public static string? Missing(bool needRoot, string[] tools)
    {
        if (needRoot && !Credentials.IsRoot)
            return "needs root (network namespaces); run scripts/test as root";
        foreach (var tool in tools)
        {
            if (Tool.Find(tool) is null)
                return $"needs '{tool}' on PATH (scripts/test installs it with apt-get)";
        }
        return null;
    }
}
