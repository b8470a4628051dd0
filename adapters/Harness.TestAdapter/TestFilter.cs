using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Adapter;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using VsTestCase = Microsoft.VisualStudio.TestPlatform.ObjectModel.TestCase;

namespace Harness.TestAdapter;

/// <summary>
/// <c>dotnet test --filter</c>: the adapter applies it itself (DESIGN.md §7). Properties: <c>FullyQualifiedName</c>,
/// <c>DisplayName</c>, <c>Name</c> (the display name), <c>Trait</c> (any trait's value), and every trait by name
/// (<c>Module</c>, <c>Tag</c>, <c>Label</c>, <c>Suite</c>, <c>Framework</c>, <c>Parameter</c>…). A filter naming any
/// other property matches nothing: vstest reports that, instead of running everything.
/// </summary>
internal sealed class TestFilter
{
    private static readonly string[] Fixed = ["FullyQualifiedName", "DisplayName", "Name", "Trait"];

    private readonly ITestCaseFilterExpression? _expression;

    private TestFilter(ITestCaseFilterExpression? expression) => _expression = expression;

    /// <summary>The filter of a run; everything matches when there is none (or the context cannot give one).</summary>
    public static TestFilter From(IDiscoveryContext? context, IEnumerable<VsTestCase> tests, IMessageLogger? logger)
    {
        var supported = Fixed.Concat(tests.SelectMany(t => t.Traits).Select(t => t.Name)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        try
        {
            // Discovery has no filter in the interface; vstest's DiscoveryContext carries one under the same method
            // name (`--list-tests --filter`), which MSTest reaches the same way.
            return new TestFilter(context switch
            {
                IRunContext run => run.GetTestCaseFilter(supported, Property),
                not null => context.GetType().GetMethod("GetTestCaseFilter")?.Invoke(context, [supported, (Func<string, TestProperty?>)Property]) as ITestCaseFilterExpression,
                null => null,
            });
        }
        catch (TestPlatformFormatException e)
        {
            logger?.SendMessage(TestMessageLevel.Error, $"harness: --filter: {e.Message}");
            return new TestFilter(new MatchNothing());
        }
    }

    public bool Matches(VsTestCase test) => _expression?.MatchTestCase(test, name => Value(test, name)) ?? true;

    private static TestProperty? Property(string name) => name switch
    {
        _ when name.Equals("FullyQualifiedName", StringComparison.OrdinalIgnoreCase) => TestCaseProperties.FullyQualifiedName,
        _ when name.Equals("DisplayName", StringComparison.OrdinalIgnoreCase) || name.Equals("Name", StringComparison.OrdinalIgnoreCase) => TestCaseProperties.DisplayName,
        _ => null,
    };

    private static object? Value(VsTestCase test, string name)
    {
        if (name.Equals("FullyQualifiedName", StringComparison.OrdinalIgnoreCase))
        {
            return test.FullyQualifiedName;
        }
        if (name.Equals("DisplayName", StringComparison.OrdinalIgnoreCase) || name.Equals("Name", StringComparison.OrdinalIgnoreCase))
        {
            return test.DisplayName;
        }
        var values = test.Traits
            .Where(t => name.Equals("Trait", StringComparison.OrdinalIgnoreCase) || t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(t => t.Value)
            .ToArray();
        return values.Length == 0 ? null : values;
    }

    private sealed class MatchNothing : ITestCaseFilterExpression
    {
        public string TestCaseFilterValue => "";

        public bool MatchTestCase(VsTestCase testCase, Func<string, object?> propertyValueProvider) => false;
    }
}
