namespace Weft.Cli.Lab;

/// <summary>What became of one lab host's dockerd.</summary>
internal enum LabDockerdState
{
    /// <summary>Its pid file names a running dockerd with this host's data root.</summary>
    Running,

    /// <summary>The host has no Docker data root: <c>lab up --docker</c> never ran for it.</summary>
    NotStarted,

    /// <summary>The host has a data root but no running dockerd: it died, or was stopped.</summary>
    Dead,

    /// <summary>
    /// A running dockerd of this host that is not in the host's current network namespace: the namespace was deleted and
    /// made anew while dockerd kept running in the old one, cut off from the lab (and from weftd's resolver).
    /// </summary>
    InOldNamespace,
}

/// <summary>One host's dockerd as <c>lab up --docker</c> (to repair it) and <c>lab status</c> (to show it) see it.</summary>
internal sealed record LabDockerdFinding(int Host, LabDockerdState State, int? Pid)
{
    /// <summary>The DOCKERD column of <c>lab status</c>.</summary>
    public string Describe() => State switch
    {
        LabDockerdState.Running => $"pid {Pid}",
        LabDockerdState.NotStarted => "not started",
        LabDockerdState.InOldNamespace => $"pid {Pid} in a deleted namespace",
        _ => Pid is null ? "dead" : $"dead (pid {Pid} gone)",
    };
}
