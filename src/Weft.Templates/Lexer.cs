using System.Text;

namespace Weft.Templates;

/// <summary>
/// Splits template text into text runs and action tokens, following Go's text/template lexer:
/// delimiters <c>{{ }}</c>, trim markers <c>{{- </c> and <c> -}}</c>, comments <c>{{/* */}}</c>.
/// Every malformed input ends in a <see cref="TemplateParseException"/>.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly List<Token> _tokens = [];
    private readonly List<int> _lineStarts = [0];
    private int _pos;

    private Lexer(string text)
    {
        _text = text;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public static List<Token> Tokenize(string text)
    {
        var lexer = new Lexer(text);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var trimNextText = false;
        while (_pos < _text.Length)
        {
            var open = _text.IndexOf("{{", _pos, StringComparison.Ordinal);
            var end = open < 0 ? _text.Length : open;
            var trimLeft = open >= 0 && IsTrimMarker(open + 2);
            var text = _text[_pos..end];
            if (trimNextText)
            {
                text = text.TrimStart(' ', '\t', '\r', '\n');
            }
            if (trimLeft)
            {
                text = text.TrimEnd(' ', '\t', '\r', '\n');
            }
            if (text.Length > 0)
            {
                Add(TokenKind.Text, text, _pos);
            }
            if (open < 0)
            {
                _pos = _text.Length;
                break;
            }
            _pos = open + 2 + (trimLeft ? 2 : 0);
            trimNextText = LexAction(open, trimLeft);
        }
        Add(TokenKind.Eof, "", _text.Length);
    }

    // "{{- " : a dash followed by white space right after the delimiter.
    private bool IsTrimMarker(int at) =>
        at + 1 < _text.Length && _text[at] == '-' && IsSpace(_text[at + 1]);

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <returns>whether the action ended with a right trim marker.</returns>
    private bool LexAction(int open, bool trimLeft)
    {
        if (_text.AsSpan(_pos).StartsWith("/*"))
        {
            var close = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw Error(open, "unclosed comment; expected \"*/}}\"");
            }
            _pos = close + 2;
            if (_text.AsSpan(_pos).StartsWith(" -}}"))
            {
                _pos += 4;
                return true;
            }
            if (_text.AsSpan(_pos).StartsWith("}}"))
            {
                _pos += 2;
                return false;
            }
            throw Error(_pos, "comment ends before closing delimiter; expected \"}}\" right after \"*/\"");
        }

        Add(TokenKind.LeftDelim, trimLeft ? "{{-" : "{{", open);
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error(open, "unclosed action; expected \"}}\"");
            }
            var c = _text[_pos];
            if (IsSpace(c))
            {
                if (_text.AsSpan(_pos + 1).StartsWith("-}}"))
                {
                    Add(TokenKind.RightDelim, "-}}", _pos + 1);
                    _pos += 4;
                    return true;
                }
                _pos++;
                continue;
            }
            if (_text.AsSpan(_pos).StartsWith("}}"))
            {
                Add(TokenKind.RightDelim, "}}", _pos);
                _pos += 2;
                return false;
            }
            LexToken(c);
        }
    }

    private void LexToken(char c)
    {
        var start = _pos;
        switch (c)
        {
            case '"':
                Add(TokenKind.String, ReadQuoted(), start);
                return;
            case '`':
                var close = _text.IndexOf('`', _pos + 1);
                if (close < 0)
                {
                    throw Error(start, "unterminated raw quoted string; expected a closing '`'");
                }
                var raw = _text[(_pos + 1)..close];
                _pos = close + 1;
                Add(TokenKind.String, raw, start);
                return;
            case ':' when Peek(1) == '=':
                _pos += 2;
                Add(TokenKind.Declare, ":=", start);
                return;
            case '=':
                _pos++;
                Add(TokenKind.Assign, "=", start);
                return;
            case '|':
                _pos++;
                Add(TokenKind.Pipe, "|", start);
                return;
            case '(':
                _pos++;
                Add(TokenKind.LeftParen, "(", start);
                return;
            case ')':
                _pos++;
                Add(TokenKind.RightParen, ")", start);
                return;
            case ',':
                _pos++;
                Add(TokenKind.Comma, ",", start);
                return;
            case '.' when IsIdentStart(Peek(1)):
                _pos++;
                Add(TokenKind.Field, ReadIdent(), start);
                return;
            case '.' when !char.IsAsciiDigit(Peek(1)):
                _pos++;
                Add(TokenKind.Dot, ".", start);
                return;
            case '$':
                _pos++;
                Add(TokenKind.Variable, "$" + ReadIdent(), start);
                return;
        }
        if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && char.IsAsciiDigit(Peek(1))))
        {
            _pos++;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '.' or '_'
                       || (_text[_pos] is '+' or '-' && _text[_pos - 1] is 'e' or 'E' or 'p' or 'P')))
            {
                _pos++;
            }
            Add(TokenKind.Number, _text[start.._pos], start);
            return;
        }
        if (IsIdentStart(c))
        {
            var word = ReadIdent();
            var kind = word switch
            {
                "true" or "false" => TokenKind.Bool,
                "nil" => TokenKind.Nil,
                _ => TokenKind.Identifier,
            };
            Add(kind, word, start);
            return;
        }
        throw Error(start, $"unexpected {Describe(c)} in action; expected a field, variable, literal, function or \"}}}}\"");
    }

    private static string Describe(char c) => char.IsControl(c) ? $"character U+{(int)c:X4}" : $"\"{c}\"";

    private char Peek(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';

    private string ReadIdent()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }
        return _text[start.._pos];
    }

    private string ReadQuoted()
    {
        var start = _pos;
        var sb = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                throw Error(start, "unterminated quoted string; expected a closing '\"'");
            }
            var c = _text[_pos++];
            if (c == '"')
            {
                return sb.ToString();
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (_pos >= _text.Length)
            {
                throw Error(start, "unterminated quoted string; expected a closing '\"'");
            }
            var e = _text[_pos++];
            sb.Append(e switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' => '\\',
                '"' => '"',
                '\'' => '\'',
                '0' => '\0',
                _ => throw Error(_pos - 2, $"unknown escape sequence \"\\{e}\" in string; expected one of \\n \\t \\r \\\\ \\\""),
            });
        }
    }

    private void Add(TokenKind kind, string text, int at)
    {
        var (line, column) = Position(at);
        _tokens.Add(new Token(kind, text, line, column, at, Math.Max(at, _pos)));
    }

    private (int Line, int Column) Position(int at)
    {
        var index = _lineStarts.BinarySearch(at);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, at - _lineStarts[line] + 1);
    }

    private TemplateParseException Error(int at, string problem)
    {
        var (line, column) = Position(at);
        return new TemplateParseException(line, column, problem);
    }
}
