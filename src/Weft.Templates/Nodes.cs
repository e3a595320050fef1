namespace Weft.Templates;

// The parse tree of a template, shaped like Go's text/template/parse nodes.

internal abstract record Node(int Line, int Column);

internal sealed record TextNode(string Text, int Line, int Column) : Node(Line, Column);

internal sealed record ActionNode(PipelineNode Pipeline, int Line, int Column) : Node(Line, Column);

internal sealed record IfNode(PipelineNode Pipeline, IReadOnlyList<Node> Then, IReadOnlyList<Node>? Else, int Line, int Column)
    : Node(Line, Column);

internal sealed record WithNode(PipelineNode Pipeline, IReadOnlyList<Node> Then, IReadOnlyList<Node>? Else, int Line, int Column)
    : Node(Line, Column);

internal sealed record RangeNode(PipelineNode Pipeline, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else, int Line, int Column)
    : Node(Line, Column);

/// <summary><c>$k, $v := cmd | cmd</c>; <see cref="IsAssign"/> for <c>$x = ...</c>.</summary>
internal sealed record PipelineNode(IReadOnlyList<string> Variables, bool IsAssign, IReadOnlyList<CommandNode> Commands,
    int Line, int Column) : Node(Line, Column);

internal sealed record CommandNode(IReadOnlyList<Node> Args, int Line, int Column) : Node(Line, Column);

/// <summary><c>.A.B</c> evaluated on dot.</summary>
internal sealed record FieldNode(IReadOnlyList<string> Names, int Line, int Column) : Node(Line, Column);

/// <summary><c>$x.A.B</c> (Names empty for a bare variable).</summary>
internal sealed record VariableNode(string Name, IReadOnlyList<string> Names, int Line, int Column) : Node(Line, Column);

/// <summary><c>(pipeline).A.B</c>.</summary>
internal sealed record ChainNode(Node Operand, IReadOnlyList<string> Names, int Line, int Column) : Node(Line, Column);

internal sealed record DotNode(int Line, int Column) : Node(Line, Column);

internal sealed record IdentifierNode(string Name, int Line, int Column) : Node(Line, Column);

internal sealed record LiteralNode(object? Value, string Source, int Line, int Column) : Node(Line, Column);
