using Weft.Control.Model;

namespace Weft.Agent;

/// <summary>
/// Docker's container state and status line from what the cluster knows: "created" until the container's host reports
/// it plumbed (<see cref="ContainerRunState"/>), then "running" with "Up 5 minutes"; "unknown" while its host is down,
/// because nobody can vouch for it then.
/// </summary>
public static class ContainerRunStatus
{
    public static (string State, string Status) Of(ContainerRunState? run, Node? host, DateTimeOffset now) =>
        run is null ? ("created", "Created")
        : host is { State: NodeState.Down } ? ("unknown", $"Unknown (host {host.Name} is down)")
        : ("running", "Up " + Api.HumanDuration.Format(now - run.StartedAt));
}
