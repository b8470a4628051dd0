using System.Globalization;
using Harness.Core.History;
using Harness.Core.Model;
using Harness.Core.Runs;

namespace Harness.Core.Runs.Sinks;

/// <summary>
/// Records every measured run of every test into the timing history when the run finishes. A cancelled run is not
/// recorded: its partial samples would read as a complete run in later comparisons. A history that cannot be
/// written does not fail the run (the tests' outcomes stand on their own): <see cref="Error"/> says why.
/// </summary>
public sealed class HistorySink(string path, RunInfo run) : IRunSink
{
    /// <summary>The line to print once recorded.</summary>
    public string? Line { get; private set; }

    public string? Error { get; private set; }

    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not RunFinished { Summary: { Cancelled: false } summary })
        {
            return;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var samples = summary.Repeated.SelectMany(t => t.Measured.Select((m, i) =>
            new TimingSample(m.Test.FullyQualifiedName, i, m.Result.Duration.TotalSeconds, m.Outcome.Name()))).ToList();
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
