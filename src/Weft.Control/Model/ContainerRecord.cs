namespace Weft.Control.Model;

/// <summary>
/// A container name claimed cluster-wide (stored at <see cref="Keys.ContainerName"/>), so that two hosts
/// cannot both run a "container-a". Created with a container's first endpoint, removed with its last.
/// </summary>
public sealed record ContainerRecord(string Id, string Name, string Host, DateTimeOffset Created);
