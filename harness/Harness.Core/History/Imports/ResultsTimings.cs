using Harness.Core.History.Comparison;
using Harness.Core.Model;

namespace Harness.Core.History.Imports;

/// <summary>Timings of a harness <c>results.json</c>: every measured sample of a passing test (just its duration when run once).</summary>
internal static class ResultsTimings
{
    public static IReadOnlyList<SampleSet> Parse(string path)
    {
        ResultsFile file;
        try
        {
            file = ResultsFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new HistoryException(e.Message, e);
        }
        return [.. file.Tests
            .Where(t => t.Outcome == TestOutcome.Passed)
            .Select(t => new SampleSet(t.FullyQualifiedName, t.Samples is { Count: > 0 } samples ? samples : [t.Seconds]))];
    }
}
