using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Coverage gathered over many traced processes (a test run): one planner shared by all of them, and the
/// hit groups of each image merged as the processes finish. Safe to use from parallel test jobs.
/// </summary>
public sealed class CoverageCollector(CoveragePlanner planner)
{
    private readonly Dictionary<string, bool[]> _hits = new(StringComparer.Ordinal);

    public CoveragePlanner Planner { get; } = planner;

    public void Add(IReadOnlyList<ImageProbes> images)
    {
        lock (_hits)
        {
            foreach (var image in images)
            {
                var hits = image.SnapshotHits();
                _hits[image.Path] = _hits.TryGetValue(image.Path, out var merged) ? CoveragePlanner.Union([merged, hits]) : hits;
            }
        }
    }

    public CoverageReport Report()
    {
        lock (_hits)
        {
            return Planner.Report(new Dictionary<string, bool[]>(_hits, StringComparer.Ordinal));
        }
    }
}
