using Xunit;

namespace Weft.TestSupport;

/// <summary>
/// A fact on a lab with real Docker (<c>weft lab up --docker</c>): needs root and Debian's docker.io (dockerd, the docker
/// client) and busybox-static; otherwise it is reported as skipped with the reason, never as passed.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    /// <summary>What a Docker lab and its tests run: the lab's namespaces, dockerd in them, the image's busybox, the observers.</summary>
    public static readonly IReadOnlyList<string> Tools = ["ip", "docker", "dockerd", "nsenter", "unshare", "/bin/busybox", "stat", "ps"];

    public DockerFactAttribute()
    {
        Skip = Requirements.Missing(needRoot: true, [.. Tools]);
    }
}
