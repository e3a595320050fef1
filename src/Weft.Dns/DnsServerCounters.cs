namespace Weft.Dns;

/// <summary>A snapshot of an <see cref="EmbeddedDnsServer"/>'s counters.</summary>
/// <param name="Queries">Every message received (UDP datagrams and TCP messages).</param>
/// <param name="AnsweredLocally">Queries answered from the container's names (A, AAAA, PTR...).</param>
/// <param name="Forwarded">Queries answered by an upstream resolver (its answer relayed unchanged).</param>
/// <param name="ServFail">Queries answered SERVFAIL: no upstream configured, none answered, or too many in flight.</param>
/// <param name="Malformed">Messages that did not parse: answered FORMERR when the header was readable, else dropped.</param>
/// <param name="NotImplemented">Queries with an opcode other than QUERY, answered NOTIMP.</param>
public readonly record struct DnsServerCounters(
    long Queries,
    long AnsweredLocally,
    long Forwarded,
    long ServFail,
    long Malformed,
    long NotImplemented);
