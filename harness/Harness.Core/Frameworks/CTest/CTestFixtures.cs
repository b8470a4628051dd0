using Harness.Core.Model;

namespace Harness.Core.Frameworks.CTest;

/// <summary>CTest's fixtures as a selection sees them: a selected test that requires a fixture brings its setup and cleanup tests along.</summary>
internal static class CTestFixtures
{
    /// <summary>
    /// <paramref name="selected"/> with the setup and cleanup tests, from <paramref name="all"/>, of every fixture a
    /// selected test requires, as ctest adds them whatever <c>-R</c>, <c>-E</c> or <c>-L</c> left out; ordered by name like a selection.
    /// </summary>
    public static IReadOnlyList<TestCase> WithFixtures(IReadOnlyList<TestCase> selected, IReadOnlyList<TestCase> all)
    {
        var required = selected.SelectMany(t => t.Binary.CTest?.FixturesRequired ?? []).ToHashSet(StringComparer.Ordinal);
        if (required.Count == 0)
        {
            return selected;
        }
        var names = selected.Select(t => t.FullyQualifiedName).ToHashSet(StringComparer.Ordinal);
        var added = all.Where(t => t.Binary.CTest is { } p && !names.Contains(t.FullyQualifiedName)
            && (p.FixturesSetup.Any(required.Contains) || p.FixturesCleanup.Any(required.Contains)));
        return [.. selected.Concat(added).OrderBy(t => t.FullyQualifiedName, StringComparer.Ordinal)];
    }
}
