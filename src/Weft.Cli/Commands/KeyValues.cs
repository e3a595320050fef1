namespace Weft.Cli.Commands;

/// <summary>Repeated <c>--opt k=v</c> / <c>--label k=v</c> values; a bare key means an empty value (<c>--opt encrypted</c>).</summary>
internal static class KeyValues
{
    public static Dictionary<string, string> Parse(IEnumerable<string>? values, string flag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? value : value[..equals];
            if (key.Length == 0)
            {
                throw new Weft.Cli.CliException($"{flag} \"{value}\": expected key=value (or a bare key)");
            }
            result[key] = equals < 0 ? "" : value[(equals + 1)..];
        }
        return result;
    }
}
