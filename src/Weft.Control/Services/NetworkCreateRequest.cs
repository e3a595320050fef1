namespace Weft.Control.Services;

/// <summary>What `weft network create` asks for. Null subnet = carve one from the default pool.</summary>
public sealed record NetworkCreateRequest
{
    public required string Name { get; init; }

    /// <summary>Null or empty means "overlay", the only driver.</summary>
    public string? Driver { get; init; }

    public string? Subnet { get; init; }

    public string? Gateway { get; init; }

    public string? IpRange { get; init; }

    /// <summary>Auxiliary addresses of the subnet, name -> IPv4 (Docker's <c>--aux-address</c>); checked once the subnet is known.</summary>
    public IReadOnlyDictionary<string, string> AuxAddresses { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public bool Internal { get; init; }

    public bool Attachable { get; init; }

    /// <summary>
    /// A subnet reserved beforehand (<see cref="NetworkService.ReserveSubnetAsync"/>), which the network takes over instead
    /// of claiming one: Docker asks for a network's pool before it creates the network.
    /// </summary>
    public string? SubnetReservation { get; init; }
}
