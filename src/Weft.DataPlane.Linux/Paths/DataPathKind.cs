namespace Weft.DataPlane.Paths;

/// <summary>How a network's frames cross the underlay on one host.</summary>
public enum DataPathKind
{
    /// <summary>The kernel's vxlan device, programmed by the agent (plain networks where the kernel has vxlan).</summary>
    Kernel,

    /// <summary>Weft's userspace VTEP behind a TAP (encrypted networks, and every network where the kernel path is off or missing).</summary>
    Userspace,
}
