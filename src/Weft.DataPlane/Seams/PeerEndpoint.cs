using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Weft.DataPlane.Seams;

/// <summary>
/// An underlay UDP endpoint (IPv4 or IPv6 address and port) as a value type, so the
/// per-packet path can compare and hash peers without allocating an <see cref="IPEndPoint"/>.
/// IPv4 is stored as an IPv4-mapped IPv6 address.
/// </summary>
public readonly struct PeerEndpoint : IEquatable<PeerEndpoint>
{
    private readonly ulong _hi;
    private readonly ulong _lo;

    public PeerEndpoint(ReadOnlySpan<byte> address, ushort port)
    {
        Span<byte> v6 = stackalloc byte[16];
        if (address.Length == 4)
        {
            v6[10] = 0xff;
            v6[11] = 0xff;
            address.CopyTo(v6[12..]);
        }
        else if (address.Length == 16)
        {
            address.CopyTo(v6);
        }
        else
        {
            throw new ArgumentException("address must be 4 or 16 bytes", nameof(address));
        }
        _hi = BinaryPrimitives.ReadUInt64BigEndian(v6);
        _lo = BinaryPrimitives.ReadUInt64BigEndian(v6[8..]);
        Port = port;
    }

    private PeerEndpoint(ulong hi, ulong lo, ushort port)
    {
        _hi = hi;
        _lo = lo;
        Port = port;
    }

    public ushort Port { get; }

    /// <summary>The same address with another port (e.g. 0 to key peers by address alone).</summary>
    public PeerEndpoint WithPort(ushort port) => new(_hi, _lo, port);

    public bool IsEmpty => _hi == 0 && _lo == 0 && Port == 0;

    public bool IsIPv4 => _hi == 0 && (_lo >> 32) == 0xffff;

    /// <summary>Writes the address (4 bytes for IPv4, else 16) and returns its length.</summary>
    public int WriteAddress(Span<byte> destination)
    {
        if (IsIPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_lo);
            return 4;
        }
        BinaryPrimitives.WriteUInt64BigEndian(destination, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _lo);
        return 16;
    }

    /// <summary>Writes the address as 16 bytes (IPv4 as an IPv4-mapped IPv6 address), whatever the family.</summary>
    public void WriteMappedAddress(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _lo);
    }

    public IPEndPoint ToIPEndPoint()
    {
        Span<byte> buf = stackalloc byte[16];
        var n = WriteAddress(buf);
        return new IPEndPoint(new IPAddress(buf[..n]), Port);
    }

    public static PeerEndpoint From(IPEndPoint endpoint)
    {
        Span<byte> buf = stackalloc byte[16];
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        address.TryWriteBytes(buf, out var n);
        return new PeerEndpoint(buf[..n], (ushort)endpoint.Port);
    }

    public static PeerEndpoint Parse(string address, int port) => From(new IPEndPoint(IPAddress.Parse(address), port));

    public AddressFamily Family => IsIPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;

    public bool Equals(PeerEndpoint other) => _hi == other._hi && _lo == other._lo && Port == other.Port;

    /// <summary>Same address, any port (admission is by address: a peer's source port varies with the flow hash).</summary>
    public bool SameAddress(PeerEndpoint other) => _hi == other._hi && _lo == other._lo;

    public override bool Equals(object? obj) => obj is PeerEndpoint other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_hi, _lo, Port);

    public static bool operator ==(PeerEndpoint a, PeerEndpoint b) => a.Equals(b);

    public static bool operator !=(PeerEndpoint a, PeerEndpoint b) => !a.Equals(b);

    public override string ToString() => IsEmpty ? "(none)" : ToIPEndPoint().ToString();
}
