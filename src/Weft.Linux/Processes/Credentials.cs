using Weft.Linux.Native;

namespace Weft.Linux.Processes;

/// <summary>Who this process runs as.</summary>
public static class Credentials
{
    /// <summary>True when the effective user id is 0 (<c>geteuid(2)</c>), which namespaces, TAP and netlink writes need.</summary>
    public static bool IsRoot => Libc.GetEuid() == 0;
}
