namespace Weft.DataPlane.Paths;

/// <summary>
/// What this host's data path can do, decided once at start: the mode asked for and whether the kernel path is
/// available (and why not). Chooses each network's path: an encrypted network always takes the userspace VTEP (the
/// kernel here has neither IPsec ESP nor WireGuard to seal with), a plain one the kernel path when it is available and
/// not switched off.
/// </summary>
public sealed record DataPathSelection(DataPathMode Mode, bool KernelAvailable, string KernelReason)
{
    /// <summary>True when plain networks go through the kernel: the kernel owns the VXLAN port and the VTEP listens elsewhere.</summary>
    public bool UsesKernel => KernelAvailable && Mode is DataPathMode.Auto or DataPathMode.Kernel;

    public (DataPathKind Kind, string Reason) Choose(bool encrypted)
    {
        if (encrypted) return (DataPathKind.Userspace, "encrypted: sealed by the userspace VTEP (the kernel path carries plain networks only)");
        if (Mode == DataPathMode.Userspace) return (DataPathKind.Userspace, "plain: --data-path userspace");
        if (UsesKernel) return (DataPathKind.Kernel, $"plain: the kernel's vxlan device (--data-path {Mode.ToString().ToLowerInvariant()}; {KernelReason})");
        return (DataPathKind.Userspace, $"plain, but the kernel path is unavailable here: {KernelReason}");
    }

    /// <summary>One line for the log and <c>weft info</c>.</summary>
    public string Describe() => Mode switch
    {
        DataPathMode.Off => "off",
        DataPathMode.Userspace => "userspace (every network on the userspace VTEP)",
        _ when UsesKernel => $"{Mode.ToString().ToLowerInvariant()}: plain networks on the kernel's vxlan, encrypted ones on the userspace VTEP ({KernelReason})",
        _ => $"{Mode.ToString().ToLowerInvariant()}: every network on the userspace VTEP (kernel path unavailable: {KernelReason})",
    };
}
