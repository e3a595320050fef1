using Makaretu.Dns;

namespace Weft.Dns;

/// <summary>
/// Reads only the 12-byte header of a message that may not parse as a whole: the section
/// counts are zeroed in a copy so the library's parser stops after the header. Used to answer
/// FORMERR with the query's id, and to check an upstream's answer matches the forwarded query.
/// </summary>
internal static class DnsHeader
{
    public static bool TryRead(ReadOnlySpan<byte> message, out Message header)
    {
        header = new Message();
        if (message.Length < Message.MinLength)
            return false;
        var copy = new byte[Message.MinLength];
        message[..4].CopyTo(copy); // id and flags; the four counts stay zero
        try
        {
            header.Read(copy);
            return true;
        }
        catch (Exception) // any parser failure: no readable header
        {
            return false;
        }
    }
}
