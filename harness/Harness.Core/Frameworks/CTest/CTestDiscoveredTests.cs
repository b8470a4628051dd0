using System.Globalization;
using Harness.Core.Frameworks.Catch2;
using Harness.Core.Model;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Frameworks.CTest;

/// <summary>
/// <c>gtest_discover_tests</c> and <c>catch_discover_tests</c> make one CTest entry per test, each running one
/// binary with a selection of one test (<c>bin --gtest_filter=Suite.Name --gtest_also_run_disabled_tests</c>,
/// <c>bin "test name"</c>). Such entries become one binary again, named by its file as when the binary is given
/// directly, that lists once and runs its tests in batches; the entries' properties (labels, timeout, environment,
/// working directory, CTest scheduling) stay with their tests: entries of one binary that differ in them make one
/// binary each, with the same name and the tests of those entries (<see cref="TestBinary.Selected"/>).
/// </summary>
internal static class CTestDiscoveredTests
{
    public static List<TestBinary> Merge(IReadOnlyList<TestBinary> entries)
    {
        var result = new List<TestBinary>(entries.Count);
        var groups = new Dictionary<string, (int Index, TestBinary Binary, List<string> Tests, List<string> Names)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (SelectedTest(entry) is not { } test)
            {
                result.Add(entry);
                continue;
            }
            var key = Key(entry);
            if (!groups.TryGetValue(key, out var group))
            {
                var merged = entry with { BinaryId = SuiteDiscovery.IdPart(Path.GetFileName(entry.Path)), Arguments = [], DeclaredAt = null };
                group = (result.Count, merged, [], []);
                groups[key] = group;
                result.Add(merged);
            }
            group.Tests.Add(test);
            group.Names.Add(entry.CTest!.Name);
        }
        foreach (var (index, binary, tests, names) in groups.Values)
        {
            result[index] = binary with { Selected = tests, CTest = binary.CTest! with { Name = names[0], AlsoNamed = names[1..] } };
        }
        return result;
    }

    /// <summary>The one test an entry's arguments select, or null when they do anything else (then it runs as its command says).</summary>
    public static bool SelectsOneTest(TestFramework framework, IReadOnlyList<string> arguments) => SelectedTest(framework, arguments) is not null;

    private static string? SelectedTest(TestBinary entry) => SelectedTest(entry.Framework, entry.Arguments);

    private static string? SelectedTest(TestFramework framework, IReadOnlyList<string> arguments)
    {
        switch (framework)
        {
            case TestFramework.GoogleTest:
                const string Filter = "--gtest_filter=";
                if (arguments.Count is 1 or 2 && arguments[0].StartsWith(Filter, StringComparison.Ordinal)
                    && (arguments.Count == 1 || arguments[1] == "--gtest_also_run_disabled_tests"))
                {
                    var name = arguments[0][Filter.Length..];
                    return name.Length > 0 && name.IndexOfAny(['*', '?', ':', '-']) < 0 ? name : null;
                }
                return null;
            case TestFramework.Catch2:
                return arguments.Count == 1 && arguments[0].Length > 0 && !arguments[0].StartsWith('-')
                    && arguments[0].IndexOfAny(['*', '[']) < 0 ? Catch2Spec.Unescape(arguments[0]) : null;
            default:
                return null;
        }
    }

    /// <summary>What must be equal for two entries' tests to share a binary (and a process): all but the selection and the entry's name.</summary>
    private static string Key(TestBinary entry)
    {
        var p = entry.CTest!;
        IEnumerable<object?> parts =
        [
            entry.Path, entry.Framework, entry.WorkingDirectory, entry.Timeout?.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            string.Join('\u001f', entry.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
            string.Join('\u001f', entry.EnvironmentChanges), string.Join('\u001f', entry.Labels),
            p.Disabled, string.Join('\u001f', p.Depends), string.Join('\u001f', p.FixturesSetup), string.Join('\u001f', p.FixturesCleanup),
            string.Join('\u001f', p.FixturesRequired), string.Join('\u001f', p.ResourceLocks), p.RunSerial, p.Processors,
        ];
        return string.Join('\u001e', parts);
    }
}
