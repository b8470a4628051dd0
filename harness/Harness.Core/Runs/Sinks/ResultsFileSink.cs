using Harness.Core.Model;
using Harness.Core.Runs;

namespace Harness.Core.Runs.Sinks;

/// <summary>Writes <c>results.json</c> into a directory when the run finishes (under per-test coverage with the tests of each line).</summary>
public sealed class ResultsFileSink(string directory) : IRunSink
{
    public const string FileName = "results.json";

    /// <exception cref="IOException">The file could not be written.</exception>
    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not RunFinished { Summary: var summary })
        {
            return;
        }
        var testsByLine = summary is { Coverage.PerTest: true, CoverageReport: { } report } ? ResultsFile.TestsByLineOf(report) : null;
        using var json = File.Create(Path.Combine(directory, FileName));
        ResultsFile.From(summary.Results, summary.Listed, summary.Elapsed, testsByLine, summary.Samples).Write(json);
    }
}
