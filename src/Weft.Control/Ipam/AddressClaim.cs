namespace Weft.Control.Ipam;

/// <summary>Who holds an address: the value stored at <c>ipam/&lt;networkId&gt;/&lt;ip&gt;</c>.</summary>
/// <param name="Host">For a runtime's container: the host it runs on.</param>
/// <param name="HeldFor">
/// For a runtime's container that stopped but still exists (Docker's): its id. The address stays its own, so that it
/// gets it back when it starts again, until the runtime removes it.
/// </param>
public sealed record AddressClaim(string EndpointId, string ContainerName, string? Host = null, string? HeldFor = null);
