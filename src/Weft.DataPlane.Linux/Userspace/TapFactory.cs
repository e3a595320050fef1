using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.DataPlane.Offload;
using Weft.Linux;
using Weft.Linux.Tap;

namespace Weft.DataPlane.Userspace;

/// <summary>
/// Opens the TAPs of userspace networks: with TSO offloads when allowed (<see cref="OffloadSettings"/>); if the kernel
/// refuses them once, that is logged once and every TAP from then on is plain.
/// </summary>
public sealed partial class TapFactory(OffloadSettings? offloads = null, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private volatile bool _tapOffloads = (offloads ?? OffloadSettings.Off).Enabled;

    public OffloadSettings Offloads { get; } = offloads ?? OffloadSettings.Off;

    /// <summary>Whether TAPs are opened with TSO offloads (false when off, or after the kernel refused them once).</summary>
    public bool TapOffloadsActive => _tapOffloads;

    /// <summary>The data path's features: the underlay's (<paramref name="underlay"/>) with the TAP side filled in.</summary>
    public DataPathFeatures Features(DataPathFeatures underlay) =>
        underlay with { Requested = Offloads.Enabled, TapSegmentation = TapOffloadsActive, TapCoalescing = TapOffloadsActive };

    /// <summary>Creates TAP <paramref name="name"/> in the current namespace (call inside the sandbox).</summary>
    public TapDevice Create(string name)
    {
        if (_tapOffloads)
        {
            try
            {
                return TapDevice.Create(name, vnetHeader: true, TapOffloads.Checksum | TapOffloads.Tso4 | TapOffloads.Tso6);
            }
            catch (LinuxException e)
            {
                _tapOffloads = false;
                LogTapOffloadsUnavailable(_logger, e.Message);
            }
        }
        return TapDevice.Create(name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TAP offloads unavailable, using the plain path (one frame per read/write): {Reason}")]
    private static partial void LogTapOffloadsUnavailable(ILogger logger, string reason);
}
