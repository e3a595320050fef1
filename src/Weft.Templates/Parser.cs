using System.Globalization;

namespace Weft.Templates;

/// <summary>
/// Recursive-descent parser over the lexer's tokens, producing the node tree Go's text/template would.
/// Undefined functions and variables are parse errors, as in Go.
/// </summary>
internal sealed class Parser
{
    private const int MaxDepth = 64;
    private static readonly HashSet<string> Keywords = ["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"];

    private readonly List<Token> _tokens;
    private readonly List<List<string>> _scopes = [["$"]];
    private int _index;
    private int _depth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static IReadOnlyList<Node> Parse(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text));
        var (nodes, stop) = parser.ParseList();
        if (stop is not null)
        {
            throw Error(stop.Value, $"unexpected {{{{{stop.Value.Text}}}}}; there is no {{{{if}}}}, {{{{range}}}} or {{{{with}}}} open");
        }
        return nodes;
    }

    private Token Current => _tokens[_index];

    private Token Next() => _tokens[_index++];

    /// <summary>Parses nodes up to EOF or up to an <c>{{end}}</c>/<c>{{else</c> (returned, its keyword token consumed).</summary>
    private (List<Node> Nodes, Token? Stop) ParseList()
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.Eof:
                    _index--;
                    return (nodes, null);
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Text, token.Line, token.Column));
                    break;
                case TokenKind.LeftDelim:
                    var keyword = Current;
                    if (keyword.Kind == TokenKind.Identifier && keyword.Text is "end" or "else")
                    {
                        _index++;
                        return (nodes, keyword);
                    }
                    nodes.Add(ParseAction(token));
                    break;
                default:
                    throw Error(token, $"unexpected {Describe(token)}; expected text or \"{{{{\"");
            }
        }
    }

    private Node ParseAction(Token open)
    {
        var keyword = Current;
        if (keyword.Kind == TokenKind.Identifier)
        {
            switch (keyword.Text)
            {
                case "if" or "with" or "range":
                    _index++;
                    return ParseControl(keyword);
                case "define" or "template" or "block" or "break" or "continue":
                    throw Error(keyword, $"{{{{{keyword.Text}}}}} is not supported by Weft's template subset; use if, range, with and the listed functions");
            }
        }
        var pipeline = ParsePipeline(open, allowDeclarations: true, allowTwo: false);
        Expect(TokenKind.RightDelim, "\"}}\" to close the action");
        return new ActionNode(pipeline, open.Line, open.Column);
    }

    private Node ParseControl(Token keyword)
    {
        Enter(keyword);
        _scopes.Add([]);
        var pipeline = ParsePipeline(keyword, allowDeclarations: true, allowTwo: keyword.Text == "range");
        Expect(TokenKind.RightDelim, $"\"}}}}\" to close {{{{{keyword.Text}}}}}");
        var (then, stop) = ParseList();
        List<Node>? elseList = null;
        if (stop is null)
        {
            throw Error(keyword, $"unexpected EOF; expected {{{{end}}}} for the {{{{{keyword.Text}}}}} at {keyword.Line}:{keyword.Column}");
        }
        if (stop.Value.Text == "else")
        {
            if (Current.Kind == TokenKind.Identifier && Current.Text == keyword.Text && keyword.Text != "range")
            {
                // {{else if ...}} / {{else with ...}}: a nested control that shares this one's {{end}}.
                var nested = Next();
                elseList = [ParseControl(nested)];
            }
            else
            {
                Expect(TokenKind.RightDelim, "\"}}\" after {{else}}");
                var (otherwise, end) = ParseList();
                if (end is null || end.Value.Text != "end")
                {
                    throw Error(end ?? Current, $"expected {{{{end}}}} for the {{{{{keyword.Text}}}}} at {keyword.Line}:{keyword.Column}");
                }
                Expect(TokenKind.RightDelim, "\"}}\" after {{end}}");
                elseList = otherwise;
            }
        }
        else
        {
            Expect(TokenKind.RightDelim, "\"}}\" after {{end}}");
        }
        _scopes.RemoveAt(_scopes.Count - 1);
        _depth--;
        return keyword.Text switch
        {
            "if" => new IfNode(pipeline, then, elseList, keyword.Line, keyword.Column),
            "with" => new WithNode(pipeline, then, elseList, keyword.Line, keyword.Column),
            _ => new RangeNode(pipeline, then, elseList, keyword.Line, keyword.Column),
        };
    }

    private PipelineNode ParsePipeline(Token start, bool allowDeclarations, bool allowTwo)
    {
        var variables = new List<string>();
        var isAssign = false;
        if (allowDeclarations && Current.Kind == TokenKind.Variable)
        {
            var save = _index;
            var first = Next();
            if (Current.Kind is TokenKind.Declare or TokenKind.Assign)
            {
                isAssign = Next().Kind == TokenKind.Assign;
                variables.Add(first.Text);
            }
            else if (allowTwo && Current.Kind == TokenKind.Comma)
            {
                _index++;
                var second = Expect(TokenKind.Variable, "a second variable after \",\" as in {{range $k, $v := .Map}}");
                Expect(TokenKind.Declare, "\":=\" after the range variables");
                variables.Add(first.Text);
                variables.Add(second.Text);
            }
            else
            {
                _index = save;
            }
            if (isAssign && !IsDeclared(first.Text))
            {
                throw Error(first, $"undefined variable \"{first.Text}\"; declare it first with :=");
            }
        }

        var commands = new List<CommandNode>();
        while (true)
        {
            commands.Add(ParseCommand());
            if (Current.Kind != TokenKind.Pipe)
            {
                break;
            }
            _index++;
        }
        if (!isAssign)
        {
            _scopes[^1].AddRange(variables);
        }
        return new PipelineNode(variables, isAssign, commands, start.Line, start.Column);
    }

    private CommandNode ParseCommand()
    {
        var first = Current;
        var args = new List<Node>();
        while (Current.Kind is not (TokenKind.RightDelim or TokenKind.RightParen or TokenKind.Pipe or TokenKind.Eof))
        {
            args.Add(ParseOperand());
        }
        if (args.Count == 0)
        {
            throw Error(Current, $"missing value for command before {Describe(Current)}; expected a field, variable, literal or function");
        }
        return new CommandNode(args, first.Line, first.Column);
    }

    private Node ParseOperand()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Field:
                var names = new List<string> { token.Text };
                names.AddRange(ChainedFields(token));
                return new FieldNode(names, token.Line, token.Column);
            case TokenKind.Dot:
                return new DotNode(token.Line, token.Column);
            case TokenKind.Variable:
                if (!IsDeclared(token.Text))
                {
                    throw Error(token, $"undefined variable \"{token.Text}\"");
                }
                return new VariableNode(token.Text, ChainedFields(token), token.Line, token.Column);
            case TokenKind.String:
                return new LiteralNode(token.Text, token.Text, token.Line, token.Column);
            case TokenKind.Bool:
                return new LiteralNode(token.Text == "true", token.Text, token.Line, token.Column);
            case TokenKind.Nil:
                return new LiteralNode(null, token.Text, token.Line, token.Column);
            case TokenKind.Number:
                return new LiteralNode(ParseNumber(token), token.Text, token.Line, token.Column);
            case TokenKind.Identifier:
                if (Keywords.Contains(token.Text))
                {
                    throw Error(token, $"unexpected keyword \"{token.Text}\" in operand; expected a field, variable, literal or function");
                }
                if (!Functions.IsDefined(token.Text))
                {
                    throw Error(token, $"function \"{token.Text}\" not defined; known functions: {string.Join(", ", Functions.Names)}");
                }
                return new IdentifierNode(token.Text, token.Line, token.Column);
            case TokenKind.LeftParen:
                Enter(token);
                var inner = ParsePipeline(token, allowDeclarations: false, allowTwo: false);
                var close = Expect(TokenKind.RightParen, "\")\" to close the parenthesized pipeline");
                _depth--;
                return new ChainNode(inner, ChainedFields(close), token.Line, token.Column);
            default:
                throw Error(token, $"unexpected {Describe(token)} in operand; expected a field, variable, literal or function");
        }
    }

    private List<string> ChainedFields(Token previous)
    {
        var names = new List<string>();
        while (Current.Kind == TokenKind.Field && Current.Start == previous.End)
        {
            previous = Next();
            names.Add(previous.Text);
        }
        return names;
    }

    private static object ParseNumber(Token token)
    {
        var text = token.Text.Replace("_", "", StringComparison.Ordinal);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }
        var body = text.TrimStart('+', '-');
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(body[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return text.StartsWith('-') ? -hex : hex;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return real;
        }
        throw Error(token, $"bad number syntax: \"{token.Text}\"");
    }

    private bool IsDeclared(string name) => _scopes.Any(scope => scope.Contains(name));

    private void Enter(Token token)
    {
        if (++_depth > MaxDepth)
        {
            throw Error(token, $"template nests deeper than {MaxDepth} levels");
        }
    }

    private Token Expect(TokenKind kind, string expected)
    {
        var token = Next();
        if (token.Kind != kind)
        {
            throw Error(token, $"unexpected {Describe(token)}; expected {expected}");
        }
        return token;
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.Eof => "EOF",
        TokenKind.Text => "text",
        TokenKind.String => "string \"" + token.Text + "\"",
        TokenKind.Field => "\"." + token.Text + "\"",
        _ => "\"" + token.Text + "\"",
    };

    private static TemplateParseException Error(Token token, string problem) => new(token.Line, token.Column, problem);
}
