using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Weft.Templates;

/// <summary>
/// The values a template works with: a <see cref="JsonElement"/> object or array, or a scalar
/// (string, long, double, bool, null) unwrapped from JSON, or a list made by a function such as split.
/// Printing and truthiness follow Go's fmt %v and text/template rules.
/// </summary>
internal static class GoValue
{
    public static object? Normalize(object? value) => value is JsonElement element ? Normalize(element) : value;

    public static object? Normalize(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element,
    };

    public static bool IsTrue(object? value) => Normalize(value) switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        JsonElement { ValueKind: JsonValueKind.Array } array => array.GetArrayLength() > 0,
        JsonElement { ValueKind: JsonValueKind.Object } obj => obj.EnumerateObject().Any(),
        IReadOnlyList<object?> list => list.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => Normalize(value) switch
    {
        null => "<nil>",
        bool => "bool",
        long => "int",
        double => "float64",
        string => "string",
        JsonElement { ValueKind: JsonValueKind.Array } => "array",
        JsonElement { ValueKind: JsonValueKind.Object } => "object",
        IReadOnlyList<object?> => "array",
        var other => other.GetType().Name,
    };

    /// <summary>Object members in Go's map order (keys sorted).</summary>
    public static IEnumerable<JsonProperty> SortedMembers(JsonElement obj) =>
        obj.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal);

    public static string Print(object? value)
    {
        var sb = new StringBuilder();
        Print(sb, value);
        return sb.ToString();
    }

    private static void Print(StringBuilder sb, object? value)
    {
        switch (Normalize(value))
        {
            case null:
                sb.Append("<no value>");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case string s:
                sb.Append(s);
                break;
            case JsonElement { ValueKind: JsonValueKind.Array } array:
                PrintList(sb, array.EnumerateArray().Select(e => (object?)e));
                break;
            case JsonElement { ValueKind: JsonValueKind.Object } obj:
                sb.Append("map[");
                var first = true;
                foreach (var member in SortedMembers(obj))
                {
                    if (!first)
                    {
                        sb.Append(' ');
                    }
                    first = false;
                    sb.Append(member.Name).Append(':');
                    Print(sb, member.Value);
                }
                sb.Append(']');
                break;
            case IReadOnlyList<object?> list:
                PrintList(sb, list);
                break;
            case var other:
                sb.Append(other);
                break;
        }
    }

    private static void PrintList(StringBuilder sb, IEnumerable<object?> items)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(' ');
            }
            first = false;
            Print(sb, item);
        }
        sb.Append(']');
    }
}
