namespace Weft.Lab.Tests;

/// <summary>
/// A plain 2-host lab (<c>weft lab up --hosts 2</c>: h1 the manager, h2 a worker that reaches the manager's store over the
/// cluster channel), for tests of the channel itself. Torn down by <c>weft lab down</c> on Dispose.
/// </summary>
public sealed class ChannelLab : CliLab
{
    public ChannelLab()
        : base("wc")
    {
        if (!IsRoot) return;
        try
        {
            Must("lab", "up", "--hosts", "2");
        }
        catch
        {
            Dispose();
            throw;
        }
    }
}
