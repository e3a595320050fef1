using System.Net;
using Makaretu.Dns;
using Microsoft.Extensions.Logging;

namespace Weft.Dns;

/// <summary>
/// Turns one received message into the bytes to send back (or null to stay silent):
/// local answer, relayed upstream answer, or an error code (FORMERR, NOTIMP, SERVFAIL).
/// Never throws on bad input: whatever the bytes, the outcome is an answer or a counted drop.
/// </summary>
internal sealed class DnsQueryProcessor(
    LocalAnswerer local, UpstreamForwarder forwarder, DnsServerOptions options, DnsCounterSet counters, ILogger logger)
{
    private const int ClassicUdpLimit = 512;
    private const int MaxUdpAnswer = 4096;
    private const ushort AdvertisedPayloadSize = 1232; // the DNS flag day 2020 value

    public async Task<byte[]?> ProcessAsync(byte[] bytes, DnsTransport transport, EndPoint? client, CancellationToken ct)
    {
        counters.Query();
        if (bytes.Length > options.MaxQuerySize)
            return FormatErrorOrDrop(bytes, client, $"longer than {options.MaxQuerySize} bytes");
        if (!TryParse(bytes, out var query, out var reason))
            return FormatErrorOrDrop(bytes, client, reason);
        if (query.QR)
        {
            counters.Malformed();
            Log.Malformed(logger, bytes.Length, client, "a response, not a query");
            return null;
        }
        if (query.Opcode != MessageOperation.Query)
        {
            counters.NotImplemented();
            return Error(query, MessageStatus.NotImplemented).ToByteArray();
        }
        if (query.Questions.Count != 1)
        {
            counters.Malformed();
            return Error(query, MessageStatus.FormatError).ToByteArray();
        }

        var response = NewResponse(query);
        bool answered;
        try
        {
            answered = local.TryAnswer(query.Questions[0], response);
        }
        catch (Exception e) // the agent's lookup failed: say so (SERVFAIL) rather than fall silent
        {
            Log.LookupFailed(logger, e, query.Questions[0].Name.ToString());
            counters.ServFail();
            return Error(query, MessageStatus.ServerFailure).ToByteArray();
        }
        if (answered)
        {
            counters.AnsweredLocally();
            response.AA = true;
            return Encode(response, query, transport);
        }

        if (forwarder.HasUpstreams
            && await forwarder.ForwardAsync(bytes, query.Id, transport, ct).ConfigureAwait(false) is { } answer)
        {
            counters.Forwarded();
            return answer;
        }
        counters.ServFail();
        return Error(query, MessageStatus.ServerFailure).ToByteArray();
    }

    private static bool TryParse(byte[] bytes, out Message query, out string reason)
    {
        query = new Message();
        try
        {
            query.Read(bytes);
            reason = "";
            return true;
        }
        catch (Exception e) // the parser's exception types are no contract: any failure is a malformed query
        {
            reason = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    private byte[]? FormatErrorOrDrop(byte[] bytes, EndPoint? client, string reason)
    {
        counters.Malformed();
        Log.Malformed(logger, bytes.Length, client, reason);
        if (!DnsHeader.TryRead(bytes, out var header) || header.QR)
            return null; // no header to answer to, or a response: never answer those
        return Error(header, MessageStatus.FormatError).ToByteArray();
    }

    private static Message NewResponse(Message query)
    {
        var response = query.CreateResponse(); // copies id, opcode and the questions
        response.RD = query.RD;
        response.RA = true;
        if (query.AdditionalRecords.OfType<OPTRecord>().Any())
            response.AdditionalRecords.Add(new OPTRecord { RequestorPayloadSize = AdvertisedPayloadSize });
        return response;
    }

    private static Message Error(Message query, MessageStatus status)
    {
        var response = NewResponse(query);
        response.Status = status;
        return response;
    }

    private static byte[] Encode(Message response, Message query, DnsTransport transport)
    {
        if (transport == DnsTransport.Udp)
        {
            var opt = query.AdditionalRecords.OfType<OPTRecord>().FirstOrDefault();
            var limit = opt is null ? ClassicUdpLimit : Math.Clamp((int)opt.RequestorPayloadSize, ClassicUdpLimit, MaxUdpAnswer);
            response.Truncate(limit);
        }
        return response.ToByteArray();
    }
}
