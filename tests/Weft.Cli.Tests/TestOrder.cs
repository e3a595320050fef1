using Xunit.Abstractions;
using Xunit.Sdk;

namespace Weft.Cli.Tests;

/// <summary>The place of a test in a class that shares one fixture whose state some tests change (e.g. <c>lab down</c> last).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TestOrderAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}

/// <summary>Runs a class's tests by <see cref="TestOrderAttribute"/> (unordered ones first, by name).</summary>
public sealed class TestOrderer : ITestCaseOrderer
{
    public const string Name = "Weft.Cli.Tests.TestOrderer";
    public const string Assembly = "Weft.Cli.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(c => OrderOf(c)).ThenBy(c => c.TestMethod.Method.Name, StringComparer.Ordinal);

    private static int OrderOf(ITestCase testCase) =>
        testCase.TestMethod.Method.GetCustomAttributes(typeof(TestOrderAttribute).AssemblyQualifiedName).FirstOrDefault()?.GetConstructorArguments().Cast<int>().Single() ?? 0;
}
