using Weft.Control.Ipam;
using Weft.Control.Model;

namespace Weft.Control.Services;

/// <summary>
/// Endpoints of containers another runtime runs (Docker through its network plugin). Docker asks Weft's IPAM for the
/// address before it creates the endpoint and names the container only after joining it, so the address is claimed on
/// its own first, the endpoint recorded with it next, and the container's name and aliases filled in last. The name is
/// not claimed cluster-wide: Docker's names are unique per daemon only, and Docker decides them.
/// </summary>
public sealed partial class EndpointService
{
    /// <summary>Claims an address on <paramref name="network"/> (the fixed one, else the next free one) for a runtime's container.</summary>
    public Task<uint> ClaimAddressAsync(Network network, string? fixedIp, string holder, CancellationToken cancellationToken = default) =>
        _addresses.AllocateAsync(network, new AddressClaim(holder, holder), fixedIp, cancellationToken);

    /// <summary>
    /// The addresses of <paramref name="networkId"/> claimed by <paramref name="holder"/> (<see cref="ClaimAddressAsync"/>'s holder)
    /// and not held for a stopped container: what a front door that died between claiming and recording an endpoint left.
    /// </summary>
    public async Task<IReadOnlyList<uint>> ClaimedByAsync(string networkId, string holder, CancellationToken cancellationToken = default) =>
        [.. (await _addresses.ListAsync(networkId, cancellationToken).ConfigureAwait(false)).Where(a => a.Claim.EndpointId == holder && a.Claim.HeldFor is null).Select(a => a.Address)];

    /// <summary>The addresses of <paramref name="networkId"/> held for stopped containers of <paramref name="host"/>.</summary>
    public async Task<IReadOnlyList<(uint Address, AddressClaim Claim)>> HeldAddressesAsync(string networkId, string host, CancellationToken cancellationToken = default) =>
        [.. (await _addresses.ListAsync(networkId, cancellationToken).ConfigureAwait(false)).Where(a => a.Claim.HeldFor is not null && a.Claim.Host == host)];

    /// <summary>Keeps a runtime's address for its stopped container <paramref name="containerId"/> (see <see cref="AddressClaim.HeldFor"/>).</summary>
    public Task HoldAddressAsync(string networkId, uint address, string containerId, string containerName, string host, CancellationToken cancellationToken = default) =>
        store.PutAsync(Keys.Address(networkId, Ipv4.Format(address)), ModelJson.Serialize(new AddressClaim(containerId, containerName, host, containerId)), cancellationToken: cancellationToken);

    /// <summary>
    /// Gives a held address back to its container as it starts again: only if it is still held as <paramref name="held"/>.
    /// </summary>
    public async Task<bool> ReclaimHeldAsync(string networkId, uint address, AddressClaim held, string holder, CancellationToken cancellationToken = default)
    {
        var key = Keys.Address(networkId, Ipv4.Format(address));
        var current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return current is not null && ModelJson.Deserialize<AddressClaim>(current.Value) == held &&
               await store.CompareAndSwapAsync(key, current.ModRevision, ModelJson.Serialize(new AddressClaim(holder, held.ContainerName, held.Host)), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The claim on one address, or null.</summary>
    public async Task<AddressClaim?> AddressClaimAsync(string networkId, uint address, CancellationToken cancellationToken = default) =>
        await store.GetAsync(Keys.Address(networkId, Ipv4.Format(address)), cancellationToken).ConfigureAwait(false) is { } kv
            ? ModelJson.Deserialize<AddressClaim>(kv.Value)
            : null;

    /// <summary>Returns a runtime's address to the pool.</summary>
    public Task<bool> ReleaseAddressAsync(string networkId, uint address, CancellationToken cancellationToken = default) =>
        _addresses.ReleaseAsync(networkId, address, cancellationToken);

    /// <summary>
    /// Records a runtime's container on <paramref name="network"/> with an address it claimed. Until the runtime names the
    /// container it is called "&lt;runtime&gt;-&lt;12 hex of the endpoint&gt;".
    /// </summary>
    public async Task<Endpoint> AddRuntimeEndpointAsync(Network network, string endpointId, string host, string runtime, uint address, CancellationToken cancellationToken = default)
    {
        var endpoint = new Endpoint
        {
            Id = endpointId,
            ContainerName = $"{runtime}-{endpointId[..Math.Min(12, endpointId.Length)]}",
            ContainerId = endpointId,
            NetworkId = network.Id,
            Host = host,
            IPv4Address = Ipv4.Format(address),
            PrefixLength = Ipv4Cidr.Parse(network.Subnets[0].Subnet, "subnet").PrefixLength,
            MacAddress = Ipv4.MacFor(address),
            Created = time.GetUtcNow(),
            Runtime = runtime,
        };
        await store.PutAsync(Keys.Endpoint(network.Id, endpointId), ModelJson.Serialize(endpoint), cancellationToken: cancellationToken).ConfigureAwait(false);
        return endpoint;
    }

    /// <summary>The endpoint <paramref name="endpointId"/> of network <paramref name="networkId"/>, or null.</summary>
    public async Task<Endpoint?> FindEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken = default) =>
        await store.GetAsync(Keys.Endpoint(networkId, endpointId), cancellationToken).ConfigureAwait(false) is { } kv
            ? ModelJson.Deserialize<Endpoint>(kv.Value)
            : null;

    /// <summary>Rewrites an endpoint (a runtime named its container); false if it was removed meanwhile.</summary>
    public async Task<bool> UpdateEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken = default)
    {
        var current = await store.GetAsync(Keys.Endpoint(endpoint.NetworkId, endpoint.Id), cancellationToken).ConfigureAwait(false);
        return current is not null &&
               await store.CompareAndSwapAsync(Keys.Endpoint(endpoint.NetworkId, endpoint.Id), current.ModRevision, ModelJson.Serialize(endpoint), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a runtime's endpoint record; its address stays claimed until the runtime releases it.</summary>
    public Task<bool> RemoveRuntimeEndpointAsync(Endpoint endpoint, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(Keys.Endpoint(endpoint.NetworkId, endpoint.Id), cancellationToken: cancellationToken);
}
