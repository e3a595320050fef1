using Weft.Linux;
using Weft.Linux.Namespaces;
using Weft.Linux.Netlink;

namespace Weft.DataPlane.Kernel;

/// <summary>Whether this machine can run the kernel path: probed once at start, in a scratch namespace of the agent's own.</summary>
public static class KernelSupport
{
    /// <summary>
    /// Makes a vxlan device in <paramref name="scratchNamespace"/> (created and deleted here; nothing else is touched), brings it
    /// up (which binds its UDP socket there) and checks that nftables works there too: the kernel path needs both, the device
    /// to carry traffic and nftables to drop VXLAN from strangers.
    /// </summary>
    public static (bool Available, string Reason) Probe(string scratchNamespace)
    {
        NetworkNamespace.StartRuntimeThreadsHere();
        try
        {
            NetworkNamespace.DeleteIfExists(scratchNamespace);
            NetworkNamespace.Create(scratchNamespace);
            try
            {
                using var netlink = RtNetlink.Open(scratchNamespace);
                netlink.CreateVxlan("wvprobe", new VxlanOptions(1, Local: null, Proxy: true, UdpChecksum: true));
                netlink.SetUp("wvprobe");
            }
            catch (LinuxException e)
            {
                return (false, $"the kernel makes no vxlan device ({e.Message})");
            }
            if (!VxlanAdmission.Probe(scratchNamespace, out var why))
                return (false, $"vxlan works but nftables does not, and without it VXLAN from any address would reach the networks ({why})");
            return (true, "the kernel has vxlan and nftables");
        }
        finally
        {
            NetworkNamespace.DeleteIfExists(scratchNamespace);
        }
    }
}
