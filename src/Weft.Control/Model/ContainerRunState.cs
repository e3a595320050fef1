namespace Weft.Control.Model;

/// <summary>
/// A container that its host has plumbed (namespace, veth, address on every network it joined), written by that host's
/// reconciler at <see cref="Keys.ContainerState"/> and deleted with the container: what <c>ps</c> shows as "Up …".
/// Keyed by container ID, so a new container that reuses a name never inherits an old one's state.
/// </summary>
public sealed record ContainerRunState(string ContainerId, string Name, string Host, DateTimeOffset StartedAt);
