namespace Weft.Control.Ipam;

/// <summary>Who holds an address: the value stored at <c>ipam/&lt;networkId&gt;/&lt;ip&gt;</c>.</summary>
public sealed record AddressClaim(string EndpointId, string ContainerName);
