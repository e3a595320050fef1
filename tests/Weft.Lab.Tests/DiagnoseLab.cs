namespace Weft.Lab.Tests;

/// <summary>A 3-host lab with network diag-net and a container on each host (c1, c2, c3).</summary>
public sealed class DiagnoseLab : CliLab
{
    public DiagnoseLab()
        : base("wd")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "3");
            Must("-H", "h1", "network", "create", "--driver", "overlay", "diag-net");
            for (var h = 1; h <= 3; h++) Must($"-H", $"h{h}", "run", "-d", "--name", $"c{h}", "--network", "diag-net");
            Assert.True(Eventually(() => Weft("-H", "h1", "exec", "c1", "ping", "-c", "1", "-W", "1", "c3").ExitCode == 0, TimeSpan.FromSeconds(15)), "c1 never reached c3");
        }
        catch
        {
            Dispose();
            throw;
        }
    }
}
