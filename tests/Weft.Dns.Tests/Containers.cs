namespace Weft.Dns.Tests;

/// <summary>The names a test container sees, and servers answering for it.</summary>
internal static class Containers
{
    public const string Network = "app-overlay";

    public static FakeNameLookup Lookup() => new FakeNameLookup()
        .Add("container-a", Network, "10.0.0.2")
        .Add("container-b", Network, "10.0.0.3")
        .Add("web", Network, "10.0.0.4", "10.0.0.5");

    public static EmbeddedDnsServer Server(DnsServerOptions? options = null) =>
        EmbeddedDnsServer.StartOnLoopback(Lookup(), options);
}
