using System.Text.Json;
using Weft.Templates;

namespace Weft.Templates.Tests;

public sealed class TemplateLanguageTests
{
    private static readonly JsonElement Data = JsonDocument.Parse("""
        {"Name":"n","Count":3,"Ratio":1.5,"Empty":"","List":["a","b"],"None":[],"Obj":{"x":1,"y":{"z":"deep"}},"Null":null}
        """).RootElement;

    private static string Run(string template) => GoTemplate.Parse(template).Execute(Data);

    [Theory]
    [InlineData("a {{- .Name -}} b", "anb")]
    [InlineData("a  {{- .Name}}  b", "an  b")]
    [InlineData("a {{.Name -}}\n\n b", "a nb")]
    [InlineData("{{/* a comment */}}x", "x")]
    [InlineData("{{- /* trimmed */ -}}  x", "x")]
    [InlineData("{{.Obj.y.z}}", "deep")]
    [InlineData("{{with .Obj.y}}{{.z}}{{end}}", "deep")]
    [InlineData("{{with .Empty}}yes{{else}}no{{end}}", "no")]
    [InlineData("{{range .None}}x{{else}}empty{{end}}", "empty")]
    [InlineData("{{range $i, $e := .List}}{{$i}}:{{$e}} {{end}}", "0:a 1:b ")]
    [InlineData("{{range $e := .List}}{{$e}}{{end}}", "ab")]
    [InlineData("{{range .List}}{{$.Name}}{{.}}{{end}}", "nanb")]
    [InlineData("{{$x := .Name}}{{$x}}{{$x = \"m\"}}{{$x}}", "nm")]
    [InlineData("{{.Name | upper}}", "N")]
    [InlineData("{{.Name | printf \"%s!\"}}", "n!")]
    [InlineData("{{printf \"%-4s|%d\" .Name .Count}}", "n   |3")]
    [InlineData("{{print \"a\" 1 2 \"b\"}}", "a1 2b")]
    [InlineData("{{println}}", "\n")]
    [InlineData("{{.Ratio}}", "1.5")]
    [InlineData("{{.Null}}", "<no value>")]
    [InlineData("{{if eq .Count 3}}three{{end}}", "three")]
    [InlineData("{{if and .Name (gt .Count 2)}}ok{{end}}", "ok")]
    [InlineData("{{if not .Empty}}empty{{end}}", "empty")]
    [InlineData("{{if or .Empty .Name}}some{{end}}", "some")]
    [InlineData("{{len .Name}}", "1")]
    [InlineData("{{index .List 1}}", "b")]
    [InlineData("{{index .Obj \"y\" \"z\"}}", "deep")]
    [InlineData("{{truncate \"abcdef\" 3}}", "abc")]
    [InlineData("{{json .List}}", "[\"a\",\"b\"]")]
    [InlineData("{{json \"<&>\"}}", "\"<&>\"")]
    [InlineData("{{.List}}", "[a b]")]
    [InlineData("{{(index .Obj \"y\").z}}", "deep")]
    [InlineData("plain text only", "plain text only")]
    public void Executes(string template, string expected) => Assert.Equal(expected, Run(template));

    [Fact]
    public void MissingFieldIsAnErrorNamingItLikeDocker()
    {
        var error = Assert.Throws<TemplateExecutionException>(() => Run("{{.Foo}}"));
        Assert.StartsWith("template: :1:3: executing \"\" at <.Foo>: can't evaluate field Foo in type object", error.Message);
        Assert.Contains("Name", error.Message);
    }

    [Fact]
    public void MissingNestedField()
    {
        var error = Assert.Throws<TemplateExecutionException>(() => Run("{{.Obj.nope}}"));
        Assert.Contains("at <.Obj.nope>: can't evaluate field nope", error.Message);
    }

    [Fact]
    public void FieldOfAStringIsAnError() =>
        Assert.Contains("can't evaluate field X in type string", Assert.Throws<TemplateExecutionException>(() => Run("{{.Name.X}}")).Message);

    [Fact]
    public void BadFunctionArgumentsAreExecutionErrors()
    {
        Assert.Contains("error calling len", Assert.Throws<TemplateExecutionException>(() => Run("{{len .Count}}")).Message);
        Assert.Contains("index out of range", Assert.Throws<TemplateExecutionException>(() => Run("{{index .List 5}}")).Message);
        Assert.Contains("can't give argument to non-function", Assert.Throws<TemplateExecutionException>(() => Run("{{.Name .Count}}")).Message);
    }

    [Theory]
    [InlineData("{{.Name", 1, 1, "unclosed action")]
    [InlineData("{{if .Name}}x", 1, 3, "expected {{end}}")]
    [InlineData("{{end}}", 1, 3, "unexpected {{end}}")]
    [InlineData("ok\n  {{nosuch .Name}}", 2, 5, "function \"nosuch\" not defined")]
    [InlineData("{{$x}}", 1, 3, "undefined variable \"$x\"")]
    [InlineData("{{\"abc}}", 1, 3, "unterminated quoted string")]
    [InlineData("{{.Name | }}", 1, 11, "missing value for command")]
    [InlineData("{{ # }}", 1, 4, "unexpected \"#\" in action")]
    [InlineData("{{range .List}}{{else}}{{else}}{{end}}", 1, 26, "expected {{end}}")]
    [InlineData("{{template \"x\"}}", 1, 3, "not supported")]
    [InlineData("{{(.Name}}", 1, 9, "expected \")\"")]
    [InlineData("{{1x2}}", 1, 3, "bad number syntax")]
    public void ParseErrorsNamePositionAndExpectation(string template, int line, int column, string problem)
    {
        var error = Assert.Throws<TemplateParseException>(() => GoTemplate.Parse(template));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(problem, error.Message);
        Assert.StartsWith($"template: :{line}:{column}: ", error.Message);
    }
}
