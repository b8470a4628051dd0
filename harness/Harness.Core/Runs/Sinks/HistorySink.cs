using System.Globalization;
using Harness.Core.History;
using Harness.Core.Model;
using Harness.Core.Runs;

namespace Harness.Core.Runs.Sinks;

/// <summary>
/// Records every measured run of every test into the timing history when the run finishes. A cancelled run is not
/// recorded: its partial samples would read as a complete run in later comparisons; nor is an empty one, nor the runs
/// fail-fast cut short (their durations measure the kill, not the test). A history that cannot be
/// written does not fail the run (the tests' outcomes stand on their own): <see cref="Error"/> says why.
/// Each sample names its binary's content hash and failure message (what <c>harness flaky</c> compares); under
/// per-test coverage in a git working tree, each test that ran also gets its impact map, in the same transaction.
/// </summary>
public sealed class HistorySink(string path, RunInfo run) : IRunSink
{
    /// <summary>The line to print once recorded.</summary>
    public string? Line { get; private set; }

    public string? Error { get; private set; }

    public void Handle(RunEvent runEvent)
    {
        // An empty run (nothing selected) is not a run of anything: recording it would make "the previous run" a run with no tests.
        if (runEvent is not RunFinished { Summary: { Cancelled: false, Selected: > 0 } summary })
        {
            return;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var store = SqliteHistoryStore.Open(path);
            var ran = summary.Repeated.Where(t => t.Measured.Any(m => m.Outcome.IsTimed())).ToList();
            var hashes = store.HashBinaries(ran.Select(t => t.Final.Test.Binary.Path));
            var samples = ran.SelectMany(t => t.Measured.Select((m, i) => (Run: m, Index: i)))
                .Where(s => s.Run.Outcome.IsTimed())
                .Select(s => new TimingSample(s.Run.Test.FullyQualifiedName, s.Index, s.Run.Result.Duration.TotalSeconds, s.Run.Outcome.Name())
                {
                    Binary = hashes[s.Run.Test.Binary.Path],
                    Message = s.Run.Outcome == TestOutcome.Passed ? null : s.Run.Result.FailureMessage,
                }).ToList();
            var impact = summary is { Coverage.PerTest: true, CoverageReport: { } report } && run is { Commit: not null, Repository: { } repository }
                ? ImpactMap.From(report, repository, ran.ToDictionary(t => t.Final.Test.FullyQualifiedName, t => hashes[t.Final.Test.Binary.Path], StringComparer.Ordinal))
                : [];
            var recorded = store.Record(run, samples, impact);
            var maps = impact.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", {impact.Count} impact maps") : "";
            Line = string.Create(CultureInfo.InvariantCulture,
                $"harness: timing history: run {recorded.Id}, {samples.Count} samples{maps} recorded in {path} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
        }
        catch (HistoryException e)
        {
            Error = e.Message;
        }
    }
}
