namespace Weft.DataPlane.Paths;

/// <summary><c>weftd --data-path</c>: which path this host's networks take.</summary>
public enum DataPathMode
{
    /// <summary>Plain networks on the kernel path where the kernel has vxlan (and nftables for admission), else userspace.</summary>
    Auto,

    /// <summary>Plain networks on the kernel path; refuse to start where the kernel cannot.</summary>
    Kernel,

    /// <summary>Every network on the userspace VTEP.</summary>
    Userspace,

    /// <summary>No data path: API and control plane only.</summary>
    Off,
}
