using Microsoft.Extensions.Time.Testing;
using Weft.Control.Services;
using Weft.Control.Store;

namespace Weft.Control.Tests.Services;

/// <summary>A control plane on a fresh in-memory SQLite store and a fake clock.</summary>
public abstract class ControlPlaneFixture : IAsyncLifetime
{
    protected ControlPlaneFixture(ControlPlaneOptions? options = null)
    {
        Store = TestStores.InMemory(Clock);
        Plane = new ControlPlane(Store, options ?? new ControlPlaneOptions { DefaultMtu = 1450, EncryptionOverhead = Weft.DataPlane.Sealing.SealFormat.Overhead }, Clock);
    }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    protected IClusterStore Store { get; }

    protected ControlPlane Plane { get; }

    protected Task<Weft.Control.Model.Network> Create(string name, string? subnet = null, string? gateway = null, string? ipRange = null, Dictionary<string, string>? options = null, string? driver = null) =>
        Plane.Networks.CreateAsync(new NetworkCreateRequest
        {
            Name = name,
            Driver = driver,
            Subnet = subnet,
            Gateway = gateway,
            IpRange = ipRange,
            Options = options ?? [],
        });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Store.DisposeAsync();
}
