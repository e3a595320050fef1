using System.Diagnostics;
using Weft.Linux.Namespaces;
using Weft.Linux.Tests.Support;
using Weft.TestSupport;

namespace Weft.Linux.Tests.Namespaces;

public sealed class NamespaceIdentityTests : IDisposable
{
    private readonly TestNamespaces _ns = new();

    public void Dispose() => _ns.Dispose();

    [RootFact("ip", "sleep")]
    public void A_process_in_a_namespace_whose_name_was_made_anew_is_told_apart_from_the_new_namespace()
    {
        var name = _ns.Create("a");
        var inode = Ip.Exec(name, "stat", "-L", "-c", "%i", $"/proc/self/ns/net").EnsureSuccess("stat").StdOut.Trim();
        Assert.Equal(inode, NamespaceIdentity.OfNamed(name).Inode.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var sleeper = Process.Start("ip", ["netns", "exec", name, "sleep", "30"]);
        try
        {
            WaitUntil(() => Tool.Run("readlink", $"/proc/{sleeper.Id}/exe").StdOut.Contains("sleep", StringComparison.Ordinal));
            Assert.Equal(NamespaceIdentity.OfNamed(name), NamespaceIdentity.OfProcess(sleeper.Id));
            Assert.NotEqual(NamespaceIdentity.OfProcess(Environment.ProcessId), NamespaceIdentity.OfProcess(sleeper.Id));

            // Delete the name while the process keeps the old namespace alive, then make the name again.
            NetworkNamespace.Delete(name);
            NetworkNamespace.Create(name);
            Assert.NotEqual(NamespaceIdentity.OfNamed(name), NamespaceIdentity.OfProcess(sleeper.Id));
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public void A_missing_file_is_ENOENT_naming_it()
    {
        var e = Assert.Throws<LinuxException>(() => NamespaceIdentity.Of("/run/netns/wt-no-such-namespace"));
        Assert.Equal(Errno.ENOENT, e.ErrorNumber);
        Assert.Contains("/run/netns/wt-no-such-namespace", e.Message);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("ip netns exec did not exec sleep within 5 s");
            Thread.Sleep(20);
        }
    }
}
