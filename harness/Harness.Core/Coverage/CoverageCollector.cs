using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Coverage gathered over many traced processes (a test run): one planner shared by all of them, and the
/// hit groups of each image merged as the processes finish. Safe to use from parallel test jobs. Each process's
/// hits are filed under the tests it ran, which the caller names: nothing is read from the calling thread.
/// </summary>
public sealed class CoverageCollector(CoveragePlanner planner, bool perTest = false)
{
    private readonly Dictionary<string, bool[]> _hits = new(StringComparer.Ordinal);
    /// <summary>Tests by image and fact (a line, in either probe mode).</summary>
    private readonly Dictionary<(string Path, int Group), SortedSet<string>> _testsByGroup = [];

    public CoveragePlanner Planner { get; } = planner;

    /// <summary>Whether hits are also recorded per test (run one test a process for exact attribution).</summary>
    public bool PerTest { get; } = perTest;

    /// <summary>Merges one traced process's hits, run for <paramref name="tests"/>; returns that process's own hits.</summary>
    public IReadOnlyList<ImageHits> Add(IReadOnlyList<ImageProbes> images, IReadOnlyList<string> tests)
    {
        ArgumentNullException.ThrowIfNull(images);
        var own = new List<ImageHits>(images.Count);
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
                own.Add(new ImageHits(image.Path, hits));
                _hits[image.Path] = _hits.TryGetValue(image.Path, out var merged) ? CoveragePlanner.Union([merged, hits]) : hits;
                if (!PerTest || tests.Count == 0)
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
        return own;
    }

    /// <summary>Which tests ran each covered line: source file → line → test names (only with <see cref="PerTest"/>).</summary>
    private SortedDictionary<string, SortedDictionary<int, List<string>>> TestsByLine()
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

    /// <summary>The run's coverage; with <see cref="PerTest"/> each covered line also names the tests that ran it.</summary>
    public CoverageReport Report()
    {
        CoverageReport report;
        lock (_hits)
        {
            report = Planner.Report(new Dictionary<string, bool[]>(_hits, StringComparer.Ordinal));
        }
        if (!PerTest)
        {
            return report;
        }
        var byLine = TestsByLine();
        return report with
        {
            Files = [.. report.Files.Select(file => byLine.TryGetValue(file.Path, out var lines)
                ? file with { Lines = [.. file.Lines.Select(line => lines.TryGetValue(line.Line, out var tests) ? line with { Tests = tests } : line)] }
                : file)],
        };
    }
}

/// <summary>One image's hit groups in one traced process, as the planner numbered them.</summary>
/// <param name="Path">The image (executable or library).</param>
/// <param name="Groups">Per probe group of the image: whether the process reached it.</param>
public sealed record ImageHits(string Path, IReadOnlyList<bool> Groups);
