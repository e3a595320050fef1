using System.Text.Json;
using CsCheck;
using Weft.Templates;

namespace Weft.Templates.Tests;

/// <summary>Property: any text either parses or fails with <see cref="TemplateParseException"/>, never anything else;
/// a parsed template executes or fails with <see cref="TemplateExecutionException"/>.</summary>
public sealed class ParseNeverThrowsOtherExceptionsTests
{
    private static readonly JsonElement Data = JsonDocument.Parse("""{"A":"x","B":[1,2],"C":{"d":true}}""").RootElement;

    // Template-ish fragments so the generator reaches deep into the parser, mixed with arbitrary characters.
    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.OneOf<string>("{{", "}}", "{{-", "-}}", " ", ".", ".A", ".B", ".C.d", "$", "$x", ":=", "=", "|", "(", ")", ",", "\"s\"", "`r`",
            "if", "else", "end", "range", "with", "json", "index", "len", "println", "upper", "join", "eq", "printf", "1", "-2", "0x1f",
            "1e9", "true", "nil", "/*", "*/", "\\", "\n", "table", "\t", "\"", "`"),
        Gen.Char.Select(c => c.ToString()));

    private static readonly Gen<string> Text = Fragment.Array[0, 30].Select(parts => string.Concat(parts));

    [Fact]
    public void ArbitraryTextOnlyEverThrowsTemplateExceptions() =>
        Text.Sample(text =>
        {
            GoTemplate template;
            try
            {
                template = GoTemplate.Parse(text);
            }
            catch (TemplateParseException)
            {
                return;
            }
            try
            {
                template.Execute(Data);
            }
            catch (TemplateExecutionException)
            {
            }
        }, iter: 20_000);

    [Fact]
    public void ArbitraryUnicodeStringsOnlyEverThrowParseExceptions() =>
        Gen.String.Sample(text =>
        {
            try
            {
                GoTemplate.Parse(text);
            }
            catch (TemplateParseException)
            {
            }
        }, iter: 20_000);
}
