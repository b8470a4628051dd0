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
        var samples = summary.Repeated.SelectMany(t => t.Measured.Select((m, i) => (Run: m, Index: i)))
            .Where(s => s.Run.Outcome.IsTimed())
            .Select(s => new TimingSample(s.Run.Test.FullyQualifiedName, s.Index, s.Run.Result.Duration.TotalSeconds, s.Run.Outcome.Name())).ToList();
        try
        {
            using var store = SqliteHistoryStore.Open(path);
            var recorded = store.Record(run, samples);
            Line = string.Create(CultureInfo.InvariantCulture,
                $"harness: timing history: run {recorded.Id}, {samples.Count} samples recorded in {path} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
        }
        catch (HistoryException e)
        {
            Error = e.Message;
        }
    }
}
