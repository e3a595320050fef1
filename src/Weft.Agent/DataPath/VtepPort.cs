using System.Globalization;

namespace Weft.Agent.DataPath;

/// <summary>
/// The port the userspace VTEP listens on when the kernel path owns the VXLAN port, kept across restarts in the data
/// directory. The host's admission table steers encrypted VNIs and probes to that port; a restarted agent that got another
/// one would black-hole that traffic until its first reconcile pass rewrote the table, so it binds the remembered port
/// again (and takes a free one, which the first pass then writes, only when something else holds it now).
/// </summary>
public static class VtepPort
{
    private const string FileName = "vtep-port";

    /// <summary>The port remembered in <paramref name="dataDir"/>, or 0 (any free port) when none is.</summary>
    public static ushort Remembered(string dataDir)
    {
        try
        {
            return ushort.TryParse(File.ReadAllText(Path.Combine(dataDir, FileName)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : (ushort)0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public static void Remember(string dataDir, int port)
    {
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(Path.Combine(dataDir, FileName), port.ToString(CultureInfo.InvariantCulture) + "\n");
    }
}
