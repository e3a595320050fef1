namespace Weft.Cluster.Tests;

/// <summary>A test class whose every test gets its own <see cref="TestCluster"/> (a manager channel on 127.0.0.1), disposed after it.</summary>
public abstract class ClusterTest : IAsyncLifetime
{
    internal TestCluster Cluster { get; } = TestCluster.Start();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
