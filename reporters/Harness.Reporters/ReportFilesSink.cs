using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Reports;
using Harness.Core.Runs;

namespace Harness.Reporters;

/// <summary>
/// Writes a run's report files when it finishes (<c>harness test</c>: <c>junit.xml</c>, and with coverage
/// <c>lcov.info</c> and <c>coverage.cobertura.xml</c>), each with its registered writer: the same bytes
/// <c>harness report</c> writes from the run's <c>results.json</c>.
/// </summary>
public sealed class ReportFilesSink(string directory, IReadOnlyList<IReportWriter> writers, string title = "harness test") : IRunSink
{
    /// <exception cref="IOException">A file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be written.</exception>
    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not RunFinished { Summary: var summary })
        {
            return;
        }
        var data = new ReportData(summary.CoverageReport ?? new CoverageReport([], DateTimeOffset.UtcNow), [.. summary.Results.Select(r => ResultEntry.From(r))]);
        Reports.ReportWriters.WriteAll(writers, data, new ReportOptions(title, summary.FlakyFails), directory);
    }
}
