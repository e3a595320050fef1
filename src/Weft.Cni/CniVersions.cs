namespace Weft.Cni;

/// <summary>The CNI spec versions this plugin speaks; results are written in the configuration's version.</summary>
public static class CniVersions
{
    public const string Current = "1.1.0";

    public static IReadOnlyList<string> Supported { get; } = ["0.4.0", "1.0.0", "1.1.0"];

    /// <summary>Refuses a configuration version this plugin cannot answer in (code 1).</summary>
    public static void Require(string version)
    {
        if (!Supported.Contains(version))
            throw new CniException(CniCodes.IncompatibleVersion, $"cniVersion {version} is not supported: use one of {string.Join(", ", Supported)}");
    }
}
