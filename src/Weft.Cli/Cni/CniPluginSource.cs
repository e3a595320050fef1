using System.Runtime.InteropServices;
using Weft.Linux.Files;

namespace Weft.Cli.Cni;

/// <summary>
/// The weft-cni build to install, and how. A self-contained one (the Native AOT build of scripts/publish-cni: one file) is
/// copied into the plugin directory. A framework-dependent apphost (weft-cni with weft-cni.dll beside it, as a development
/// build puts next to weft) cannot work alone, so the plugin directory gets a /bin/sh wrapper that runs it where it is.
/// </summary>
public sealed record CniPluginSource(string Path, bool SelfContained)
{
    /// <summary>rwxr-xr-x: a runtime (root) runs it; anyone may read it.</summary>
    public const UnixFileMode Mode = (UnixFileMode)0b111_101_101;

    /// <summary>The build at <paramref name="given"/> (--plugin), else the one next to weft in <paramref name="weftDirectory"/>.</summary>
    public static CniPluginSource Find(string? given, string weftDirectory)
    {
        var path = System.IO.Path.GetFullPath(given ?? System.IO.Path.Combine(weftDirectory, CniConflist.PluginName));
        if (!File.Exists(path))
        {
            throw new CliException(given is null
                ? $"no {CniConflist.PluginName} next to weft in {weftDirectory}: build weft again (it ships {CniConflist.PluginName}) or pass --plugin FILE"
                : $"--plugin {given}: no such file; give a weft-cni build, e.g. artifacts/weft-cni/weft-cni from scripts/publish-cni");
        }
        return new CniPluginSource(path, SelfContained: !File.Exists(path + ".dll"));
    }

    /// <summary>Puts the plugin into <paramref name="binDirectory"/> as weft-cni (atomically) and says what it put there.</summary>
    public string InstallInto(string binDirectory)
    {
        var target = System.IO.Path.Combine(binDirectory, CniConflist.PluginName);
        if (SelfContained)
        {
            AtomicFile.Write(target, Mode, destination =>
            {
                using var source = File.OpenRead(Path);
                source.CopyTo(destination);
            });
            return $"installed {target} (a copy of {Path})";
        }
        AtomicFile.WriteText(target, Mode, Wrapper());
        return $"installed {target}: a wrapper that runs the framework-dependent build {Path} " +
            "(a Native AOT plugin starts faster: make one with scripts/publish-cni and install it with --plugin artifacts/weft-cni/weft-cni)";
    }

    /// <summary>
    /// Runs the apphost with the runtime's arguments, environment and stdin. DOTNET_ROOT defaults to the .NET this CLI runs
    /// on, because a runtime's daemon (containerd under systemd) starts plugins without the user's environment.
    /// </summary>
    private string Wrapper()
    {
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var dotnetRoot = File.Exists(System.IO.Path.Combine(root, "dotnet"))
            ? $"[ -n \"${{DOTNET_ROOT:-}}\" ] || export DOTNET_ROOT={ShellWords.Quote(root)}\n"
            : "";
        return $"""
            #!/bin/sh
            # weft-cni, written by 'weft cni install': runs the framework-dependent weft-cni of a Weft build.
            {dotnetRoot}exec {ShellWords.Quote(Path)} "$@"

            """;
    }
}
