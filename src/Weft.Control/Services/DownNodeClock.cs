using Weft.Control.Model;

namespace Weft.Control.Services;

/// <summary>
/// Since when each node has been down, on the observer's (the manager's) own clock. A node's LastSeen is written by the
/// node itself with its own clock, so comparing it with the manager's clock would let clock skew shorten (or stretch) the
/// grace period; this records the first moment the manager saw the node down instead, and forgets it once the node is
/// ready again. In memory only: a restarted manager starts the grace anew, which can only make it longer, never shorter.
/// </summary>
public sealed class DownNodeClock(TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _downSince = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Records the states in <paramref name="nodes"/> (all nodes) and returns the down ones observed down for at least <paramref name="grace"/>.</summary>
    public IReadOnlyList<Node> DownFor(IReadOnlyList<Node> nodes, TimeSpan grace)
    {
        var now = time.GetUtcNow();
        var past = new List<Node>();
        var down = nodes.Where(n => n.State == NodeState.Down).ToList();
        var downIds = down.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var gone in _downSince.Keys.Where(id => !downIds.Contains(id)).ToList())
            {
                _downSince.Remove(gone);
            }

            foreach (var node in down)
            {
                if (!_downSince.TryGetValue(node.Id, out var since))
                {
                    _downSince[node.Id] = since = now;
                }

                if (now - since >= grace)
                {
                    past.Add(node);
                }
            }
        }

        return past;
    }
}
