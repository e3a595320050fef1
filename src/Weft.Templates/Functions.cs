using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Weft.Templates;

/// <summary>A function failed on its arguments; the executor adds the position.</summary>
internal sealed class FunctionException(string message) : Exception(message);

/// <summary>
/// The template functions: Go's builtins that Docker users reach for (index, len, print, println, printf,
/// eq/ne/lt/le/gt/ge, and/or/not) and Docker's own (json, join, split, upper, lower, title, truncate, pad).
/// </summary>
internal static class Functions
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, Func<object?[], object?>> Table = new(StringComparer.Ordinal)
    {
        ["json"] = args => Json(Arity(args, 1, "json")[0]),
        ["index"] = Index,
        ["len"] = args => Length(Arity(args, 1, "len")[0]),
        ["print"] = args => Sprint(args),
        ["println"] = args => string.Join(' ', args.Select(GoValue.Print)) + "\n",
        ["printf"] = Printf,
        ["upper"] = args => Str(Arity(args, 1, "upper")[0]).ToUpperInvariant(),
        ["lower"] = args => Str(Arity(args, 1, "lower")[0]).ToLowerInvariant(),
        ["title"] = args => Title(Str(Arity(args, 1, "title")[0])),
        ["join"] = args => Join(Arity(args, 2, "join")),
        ["split"] = args => Split(Arity(args, 2, "split")),
        ["truncate"] = args => Truncate(Arity(args, 2, "truncate")),
        ["pad"] = args => Pad(Arity(args, 3, "pad")),
        ["eq"] = Eq,
        ["ne"] = args => !(bool)Eq(Arity(args, 2, "ne"))!,
        ["lt"] = args => Compare(Arity(args, 2, "lt"), "lt") < 0,
        ["le"] = args => Compare(Arity(args, 2, "le"), "le") <= 0,
        ["gt"] = args => Compare(Arity(args, 2, "gt"), "gt") > 0,
        ["ge"] = args => Compare(Arity(args, 2, "ge"), "ge") >= 0,
        ["not"] = args => !GoValue.IsTrue(Arity(args, 1, "not")[0]),
        ["and"] = args => AtLeastOne(args, "and").FirstOrDefault(a => !GoValue.IsTrue(a), args[^1]),
        ["or"] = args => AtLeastOne(args, "or").FirstOrDefault(GoValue.IsTrue, args[^1]),
    };

    public static IEnumerable<string> Names => Table.Keys.Order(StringComparer.Ordinal);

    public static bool IsDefined(string name) => Table.ContainsKey(name);

    public static object? Call(string name, object?[] args) => Table[name](args);

    public static string Json(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            WriteJson(writer, value);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJson(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    private static object?[] Arity(object?[] args, int count, string name) =>
        args.Length == count ? args : throw new FunctionException($"wrong number of args for {name}: want {count} got {args.Length}");

    private static object?[] AtLeastOne(object?[] args, string name) =>
        args.Length > 0 ? args : throw new FunctionException($"wrong number of args for {name}: want at least 1 got 0");

    private static string Str(object? value) => GoValue.Normalize(value) switch
    {
        string s => s,
        var other => GoValue.Print(other),
    };

    private static long Int(object? value, string name) => GoValue.Normalize(value) switch
    {
        long l => l,
        double d when d == Math.Floor(d) && Math.Abs(d) < long.MaxValue => (long)d,
        var other => throw new FunctionException($"{name}: expected an integer, got {GoValue.TypeName(other)}"),
    };

    private static object? Index(object?[] args)
    {
        if (args.Length == 0)
        {
            throw new FunctionException("wrong number of args for index: want at least 1 got 0");
        }
        var current = GoValue.Normalize(args[0]);
        foreach (var key in args.Skip(1).Select(GoValue.Normalize))
        {
            current = current switch
            {
                JsonElement { ValueKind: JsonValueKind.Object } obj when key is string name =>
                    obj.TryGetProperty(name, out var member) ? GoValue.Normalize(member) : "",
                JsonElement { ValueKind: JsonValueKind.Array } array when key is long i =>
                    i >= 0 && i < array.GetArrayLength() ? GoValue.Normalize(array[(int)i]) : throw new FunctionException($"index out of range: {i}"),
                IReadOnlyList<object?> list when key is long i =>
                    i >= 0 && i < list.Count ? list[(int)i] : throw new FunctionException($"index out of range: {i}"),
                null => throw new FunctionException("index of untyped nil"),
                _ => throw new FunctionException($"can't index item of type {GoValue.TypeName(current)} with {GoValue.TypeName(key)}"),
            };
        }
        return current;
    }

    private static long Length(object? value) => GoValue.Normalize(value) switch
    {
        string s => s.Length,
        JsonElement { ValueKind: JsonValueKind.Array } array => array.GetArrayLength(),
        JsonElement { ValueKind: JsonValueKind.Object } obj => obj.EnumerateObject().Count(),
        IReadOnlyList<object?> list => list.Count,
        var other => throw new FunctionException($"len of type {GoValue.TypeName(other)}"),
    };

    // fmt.Sprint: a space between operands when neither side is a string.
    private static string Sprint(object?[] args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0 && GoValue.Normalize(args[i]) is not string && GoValue.Normalize(args[i - 1]) is not string)
            {
                sb.Append(' ');
            }
            sb.Append(GoValue.Print(args[i]));
        }
        return sb.ToString();
    }

    private static string Printf(object?[] args)
    {
        if (args.Length == 0 || GoValue.Normalize(args[0]) is not string format)
        {
            throw new FunctionException("printf: the first argument must be a format string");
        }
        var sb = new StringBuilder();
        var next = 1;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var start = ++i;
            while (i < format.Length && (format[i] is '-' or '+' or ' ' or '0' || char.IsAsciiDigit(format[i])))
            {
                i++;
            }
            if (i >= format.Length)
            {
                sb.Append('%').Append(format[start..]);
                break;
            }
            var verb = format[i];
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }
            var flags = format[start..i];
            var arg = next < args.Length ? GoValue.Normalize(args[next++]) : null;
            var text = verb switch
            {
                'q' => "\"" + Str(arg).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
                'd' => arg is double d ? ((long)d).ToString(CultureInfo.InvariantCulture) : Str(arg),
                _ => Str(arg),
            };
            var left = flags.StartsWith('-');
            var width = int.TryParse(flags.TrimStart('-', '+', ' ', '0'), NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : 0;
            sb.Append(left ? text.PadRight(width) : text.PadLeft(width));
        }
        return sb.ToString();
    }

    private static string Title(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 0 || !char.IsLetter(chars[i - 1]))
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }
        return new string(chars);
    }

    private static string Join(object?[] args)
    {
        var separator = Str(args[1]);
        return GoValue.Normalize(args[0]) switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => string.Join(separator, array.EnumerateArray().Select(e => GoValue.Print(e))),
            IReadOnlyList<object?> list => string.Join(separator, list.Select(GoValue.Print)),
            var other => throw new FunctionException($"join: expected an array, got {GoValue.TypeName(other)}"),
        };
    }

    private static List<object?> Split(object?[] args)
    {
        var separator = Str(args[1]);
        var text = Str(args[0]);
        return separator.Length == 0
            ? [.. text.Select(c => (object?)c.ToString())]
            : [.. text.Split(separator).Select(s => (object?)s)];
    }

    private static string Truncate(object?[] args)
    {
        var text = Str(args[0]);
        var length = Int(args[1], "truncate");
        return length >= 0 && length < text.Length ? text[..(int)length] : text;
    }

    private static string Pad(object?[] args)
    {
        var left = (int)Math.Clamp(Int(args[1], "pad"), 0, 1024);
        var right = (int)Math.Clamp(Int(args[2], "pad"), 0, 1024);
        return new string(' ', left) + Str(args[0]) + new string(' ', right);
    }

    private static object? Eq(object?[] args)
    {
        if (args.Length < 2)
        {
            throw new FunctionException($"wrong number of args for eq: want at least 2 got {args.Length}");
        }
        var first = GoValue.Normalize(args[0]);
        return args.Skip(1).Any(other => Same(first, GoValue.Normalize(other)));
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (long x, long y) => x == y,
        (long or double, long or double) => Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture),
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y),
        _ when a?.GetType() != b?.GetType() => throw new FunctionException($"incompatible types for comparison: {GoValue.TypeName(a)} and {GoValue.TypeName(b)}"),
        _ => false,
    };

    private static int Compare(object?[] args, string name)
    {
        var a = GoValue.Normalize(args[0]);
        var b = GoValue.Normalize(args[1]);
        return (a, b) switch
        {
            (long x, long y) => x.CompareTo(y),
            (long or double, long or double) => Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture)),
            (string x, string y) => string.CompareOrdinal(x, y),
            _ => throw new FunctionException($"{name}: incompatible types for comparison: {GoValue.TypeName(a)} and {GoValue.TypeName(b)}"),
        };
    }
}
