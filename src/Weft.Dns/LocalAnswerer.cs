using System.Net;
using System.Net.Sockets;
using Makaretu.Dns;

namespace Weft.Dns;

/// <summary>
/// Answers a question from the container's names, as Docker's embedded DNS does: A (and AAAA)
/// records for a container name, PTR for a container address; a known name asked for a type it
/// has no record of gets NOERROR with no answers. Returns false when the name is not local.
/// </summary>
internal sealed class LocalAnswerer(INameLookup lookup, DnsServerOptions options)
{
    public bool TryAnswer(Question question, Message response)
    {
        if (question.Class is not (DnsClass.IN or DnsClass.ANY))
            return false;
        var labels = question.Name.Labels.Select(l => l.ToLowerInvariant()).ToArray();
        if (labels.Length == 0)
            return false;
        var name = string.Join('.', labels);

        if (ReverseName.IsReverseZone(name))
            return question.Type == DnsType.PTR && TryAnswerPtr(question, labels, response);

        if (!TryResolve(name, out var addresses))
            return false;
        var ttl = TimeSpan.FromSeconds(options.LocalTtlSeconds);
        foreach (var address in addresses)
        {
            var wanted = address.AddressFamily switch
            {
                AddressFamily.InterNetwork => question.Type is DnsType.A or DnsType.ANY,
                AddressFamily.InterNetworkV6 => question.Type is DnsType.AAAA or DnsType.ANY,
                _ => false,
            };
            if (!wanted)
                continue;
            var record = AddressRecord.Create(question.Name, address);
            record.TTL = ttl;
            response.Answers.Add(record);
        }
        return true;
    }

    private bool TryResolve(string name, out IReadOnlyList<IPAddress> addresses)
    {
        if (lookup.TryResolve(name, out var found))
        {
            addresses = found;
            return true;
        }
        foreach (var domain in options.SearchDomains)
        {
            var suffix = "." + domain.Trim('.').ToLowerInvariant();
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal)
                && lookup.TryResolve(name[..^suffix.Length], out found))
            {
                addresses = found;
                return true;
            }
        }
        addresses = [];
        return false;
    }

    private bool TryAnswerPtr(Question question, string[] labels, Message response)
    {
        if (!ReverseName.TryParseIPv4(labels, out var address) || !lookup.TryReverse(address, out var target))
            return false;
        response.Answers.Add(new PTRRecord
        {
            Name = question.Name,
            DomainName = new DomainName(target.TrimEnd('.')),
            TTL = TimeSpan.FromSeconds(options.LocalTtlSeconds),
        });
        return true;
    }
}
