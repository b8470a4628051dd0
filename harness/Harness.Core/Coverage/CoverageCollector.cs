using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Coverage gathered over many traced processes (a test run): one planner shared by all of them, and the
/// hit groups of each image merged as the processes finish. Safe to use from parallel test jobs.
/// </summary>
public sealed class CoverageCollector(CoveragePlanner planner, bool perTest = false)
{
    /// <summary>The tests the calling thread is running now (the process it traces next is theirs).</summary>
    [ThreadStatic]
    private static IReadOnlyList<string>? _currentTests;

    private readonly Dictionary<string, bool[]> _hits = new(StringComparer.Ordinal);
    /// <summary>Tests by image and fact (a line, in either probe mode).</summary>
    private readonly Dictionary<(string Path, int Group), SortedSet<string>> _testsByGroup = [];

    public CoveragePlanner Planner { get; } = planner;

    /// <summary>Whether hits are also recorded per test (run one test a process for exact attribution).</summary>
    public bool PerTest { get; } = perTest;

    /// <summary>Attributes the processes the calling thread traces from now on to these tests.</summary>
    public static void RunningTests(IReadOnlyList<string>? tests) => _currentTests = tests;

    /// <summary>The tests the calling thread is running (profiles are filed under them too).</summary>
    internal static IReadOnlyList<string>? CurrentTests => _currentTests;

    public void Add(IReadOnlyList<ImageProbes> images)
    {
        var tests = PerTest ? _currentTests : null;
        if (!PerTest)
        {
            // Lines this process proved need no probes in the processes after it (per-test coverage needs every test's own).
            Planner.Remember(images);
        }
        lock (_hits)
        {
            foreach (var image in images)
            {
                var hits = image.SnapshotHits();
                _hits[image.Path] = _hits.TryGetValue(image.Path, out var merged) ? CoveragePlanner.Union([merged, hits]) : hits;
                if (tests is not { Count: > 0 })
                {
                    continue;
                }
                for (var group = 0; group < hits.Length; group++)
                {
                    if (!hits[group])
                    {
                        continue;
                    }
                    if (!_testsByGroup.TryGetValue((image.Path, group), out var set))
                    {
                        _testsByGroup[(image.Path, group)] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }
                    set.UnionWith(tests);
                }
            }
        }
    }

    /// <summary>Which tests ran each covered line: source file → line → test names (only with <see cref="PerTest"/>).</summary>
    public SortedDictionary<string, SortedDictionary<int, List<string>>> TestsByLine()
    {
        var result = new SortedDictionary<string, SortedDictionary<int, List<string>>>(StringComparer.Ordinal);
        lock (_hits)
        {
            foreach (var ((path, group), tests) in _testsByGroup)
            {
                foreach (var (file, line) in Planner.LinesOf(path, group))
                {
                    if (!result.TryGetValue(file, out var lines))
                    {
                        result[file] = lines = [];
                    }
                    lines[line] = lines.TryGetValue(line, out var existing) ? [.. existing.Union(tests).Order(StringComparer.Ordinal)] : [.. tests];
                }
            }
        }
        return result;
    }

    public CoverageReport Report()
    {
        lock (_hits)
        {
            return Planner.Report(new Dictionary<string, bool[]>(_hits, StringComparer.Ordinal));
        }
    }
}
