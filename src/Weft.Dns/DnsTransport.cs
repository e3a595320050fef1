namespace Weft.Dns;

/// <summary>How a query arrived, which decides the response size limit and how it is forwarded.</summary>
internal enum DnsTransport
{
    Udp,
    Tcp,
}
