namespace Weft.Templates;

internal enum TokenKind
{
    Text,
    LeftDelim,
    RightDelim,
    Identifier,   // function name or keyword
    Field,        // .Name (Text holds "Name")
    Dot,          // .
    Variable,     // $ or $name (Text holds "$name")
    String,       // Text holds the unquoted value
    Number,
    Bool,
    Nil,
    Declare,      // :=
    Assign,       // =
    Pipe,
    LeftParen,
    RightParen,
    Comma,
    Eof,
}

/// <summary>One token; <see cref="Start"/>/<see cref="End"/> are offsets, used to tell <c>$x.A</c> (chained) from <c>$x .A</c> (two arguments).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, int Start, int End);
