namespace Weft.Cli.Commands;

/// <summary>
/// Repeated <c>--opt k=v</c> / <c>--label k=v</c> values; a bare key means an empty value (<c>--opt encrypted</c>). Stricter
/// <see cref="ParseNamed"/> for flags whose every value is a name and a value (<c>--aux-address</c>).
/// </summary>
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

    /// <summary>
    /// Repeated <c>NAME=VALUE</c> values where both parts are needed and each name comes once (<c>--aux-address router=10.9.0.2</c>);
    /// <paramref name="example"/> shows the shape in the error.
    /// </summary>
    public static Dictionary<string, string> ParseNamed(IEnumerable<string>? values, string flag, string example)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == value.Length - 1)
            {
                throw new Weft.Cli.CliException($"{flag} \"{value}\": expected NAME=VALUE with both parts, like {flag} {example}");
            }
            var name = value[..equals];
            if (result.TryGetValue(name, out var earlier))
            {
                throw new Weft.Cli.CliException($"{flag} {name} was given twice ({earlier}, {value[(equals + 1)..]}): give each name once");
            }
            result[name] = value[(equals + 1)..];
        }
        return result;
    }
}
