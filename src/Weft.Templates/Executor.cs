using System.Text;
using System.Text.Json;

namespace Weft.Templates;

/// <summary>
/// Walks the parse tree against the data, writing output. JSON objects are treated like Go structs:
/// a field that does not exist is an error ("can't evaluate field X"), as Docker reports for its typed objects.
/// In header mode (Docker's <c>table</c> header row) every field evaluates to its column header instead.
/// </summary>
internal sealed class Executor
{
    private readonly StringBuilder _output;
    private readonly Func<string, string>? _header;
    private readonly List<(string Name, object? Value)> _variables = [];

    public Executor(StringBuilder output, object? root, Func<string, string>? header)
    {
        _output = output;
        _header = header;
        _variables.Add(("$", root));
    }

    public void Run(IReadOnlyList<Node> nodes, object? dot) => Walk(nodes, dot);

    private void Walk(IReadOnlyList<Node> nodes, object? dot)
    {
        foreach (var node in nodes)
        {
            Walk(node, dot);
        }
    }

    private void Walk(Node node, object? dot)
    {
        switch (node)
        {
            case TextNode text:
                _output.Append(text.Text);
                break;
            case ActionNode action:
                var value = EvalPipeline(action.Pipeline, dot);
                if (action.Pipeline.Variables.Count == 0)
                {
                    _output.Append(GoValue.Print(value));
                }
                break;
            case IfNode ifNode:
                Scoped(() =>
                {
                    var condition = EvalPipeline(ifNode.Pipeline, dot);
                    WalkBranch(GoValue.IsTrue(condition) ? ifNode.Then : ifNode.Else, dot);
                });
                break;
            case WithNode with:
                Scoped(() =>
                {
                    var subject = EvalPipeline(with.Pipeline, dot);
                    if (GoValue.IsTrue(subject))
                    {
                        WalkBranch(with.Then, subject);
                    }
                    else
                    {
                        WalkBranch(with.Else, dot);
                    }
                });
                break;
            case RangeNode range:
                Scoped(() => Range(range, dot));
                break;
        }
    }

    private void WalkBranch(IReadOnlyList<Node>? nodes, object? dot)
    {
        if (nodes is not null)
        {
            Scoped(() => Walk(nodes, dot));
        }
    }

    private void Scoped(Action body)
    {
        var mark = _variables.Count;
        try
        {
            body();
        }
        finally
        {
            _variables.RemoveRange(mark, _variables.Count - mark);
        }
    }

    private void Range(RangeNode range, object? dot)
    {
        var pipeline = range.Pipeline;
        var collection = EvalCommands(pipeline, dot);
        var items = GoValue.Normalize(collection) switch
        {
            null => [],
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select((e, i) => ((object?)(long)i, (object?)e)).ToList(),
            JsonElement { ValueKind: JsonValueKind.Object } obj => GoValue.SortedMembers(obj).Select(p => ((object?)p.Name, (object?)p.Value)).ToList(),
            IReadOnlyList<object?> list => list.Select((e, i) => ((object?)(long)i, e)).ToList(),
            var other => throw Error(range, "range", $"range can't iterate over {GoValue.Print(other)}"),
        };
        if (items.Count == 0)
        {
            WalkBranch(range.Else, dot);
            return;
        }
        foreach (var (key, item) in items)
        {
            var mark = _variables.Count;
            if (pipeline.Variables.Count == 1)
            {
                _variables.Add((pipeline.Variables[0], item));
            }
            else if (pipeline.Variables.Count == 2)
            {
                _variables.Add((pipeline.Variables[0], key));
                _variables.Add((pipeline.Variables[1], item));
            }
            WalkBranch(range.Body, item);
            _variables.RemoveRange(mark, _variables.Count - mark);
        }
    }

    private object? EvalPipeline(PipelineNode pipeline, object? dot)
    {
        var value = EvalCommands(pipeline, dot);
        foreach (var name in pipeline.Variables)
        {
            if (pipeline.IsAssign)
            {
                var index = _variables.FindLastIndex(v => v.Name == name);
                _variables[index] = (name, value);
            }
            else
            {
                _variables.Add((name, value));
            }
        }
        return value;
    }

    private object? EvalCommands(PipelineNode pipeline, object? dot)
    {
        object? value = null;
        var piped = false;
        foreach (var command in pipeline.Commands)
        {
            value = EvalCommand(command, dot, piped, value);
            piped = true;
        }
        return value;
    }

    private object? EvalCommand(CommandNode command, object? dot, bool piped, object? input)
    {
        var head = command.Args[0];
        if (head is IdentifierNode function)
        {
            var args = command.Args.Skip(1).Select(a => EvalArg(a, dot)).ToList();
            if (piped)
            {
                args.Add(input);
            }
            return Call(function, [.. args]);
        }
        if (command.Args.Count > 1 || piped)
        {
            throw Error(head, Describe(head), $"can't give argument to non-function {Describe(head)}");
        }
        if (head is LiteralNode { Value: null })
        {
            throw Error(head, "nil", "nil is not a command");
        }
        return EvalArg(head, dot);
    }

    private object? Call(IdentifierNode function, object?[] args)
    {
        try
        {
            return Functions.Call(function.Name, args);
        }
        catch (FunctionException e)
        {
            throw Error(function, function.Name, $"error calling {function.Name}: {e.Message}");
        }
    }

    private object? EvalArg(Node node, object? dot) => node switch
    {
        DotNode => dot,
        LiteralNode literal => literal.Value,
        FieldNode field when _header is not null => _header(field.Names[0]),
        FieldNode field => Fields(field, dot, field.Names, "."),
        VariableNode variable => Fields(variable, Lookup(variable.Name), variable.Names, variable.Name + "."),
        ChainNode chain => Fields(chain, EvalCommands((PipelineNode)chain.Operand, dot), chain.Names, "(...)."),
        IdentifierNode function => Call(function, []),
        _ => throw Error(node, "?", "unsupported node"),
    };

    private object? Lookup(string name) => _variables.FindLast(v => v.Name == name).Value;

    private object? Fields(Node node, object? receiver, IReadOnlyList<string> names, string prefix)
    {
        var current = GoValue.Normalize(receiver);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var shown = prefix + string.Join('.', names.Take(i + 1));
            current = current switch
            {
                JsonElement { ValueKind: JsonValueKind.Object } obj when obj.TryGetProperty(name, out var member) => GoValue.Normalize(member),
                JsonElement { ValueKind: JsonValueKind.Object } obj => throw Error(node, shown,
                    $"can't evaluate field {name} in type object (fields: {string.Join(", ", obj.EnumerateObject().Select(p => p.Name))})"),
                null => throw Error(node, shown, $"nil pointer evaluating interface {{}}.{name}"),
                _ => throw Error(node, shown, $"can't evaluate field {name} in type {GoValue.TypeName(current)}"),
            };
        }
        return current;
    }

    private static string Describe(Node node) => node switch
    {
        FieldNode field => "." + string.Join('.', field.Names),
        VariableNode variable => variable.Name + string.Concat(variable.Names.Select(n => "." + n)),
        LiteralNode literal => literal.Source,
        DotNode => ".",
        _ => "(...)",
    };

    private static TemplateExecutionException Error(Node node, string action, string problem) =>
        new(node.Line, node.Column, action, problem);
}
