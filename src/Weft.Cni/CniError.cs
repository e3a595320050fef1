namespace Weft.Cni;

/// <summary>The error codes of the CNI spec (section "Error") this plugin returns.</summary>
public static class CniCodes
{
    public const int IncompatibleVersion = 1;
    public const int UnsupportedField = 2;
    public const int UnknownContainer = 3;
    public const int InvalidEnvironment = 4;
    public const int IoFailure = 5;
    public const int DecodeFailure = 6;
    public const int InvalidNetworkConfig = 7;
    public const int TryAgainLater = 11;
    public const int PluginNotAvailable = 50;

    /// <summary>Weft's own (the spec leaves 100 and up to plugins): what the runtime asks conflicts with what weftd has.</summary>
    public const int Conflict = 100;
}

/// <summary>A CNI error: printed as the spec's error JSON on stdout, and the plugin exits non-zero.</summary>
public sealed class CniException(int code, string message, string? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string? Details { get; } = details;
}
