using Harness.Core.Coverage;
using Harness.Core.Model;

namespace Harness.Core.Reports.Formats;

/// <summary>
/// Reads <c>results.json</c>: the tests, and with <c>--per-test-coverage</c> its <c>testsByLine</c> as per-test coverage.
/// </summary>
internal static class HarnessResultsReader
{
    /// <param name="testsOnly">True when the coverage file written with it is read too: lines then carry the tests
    /// but no hits, so that the hits are not counted twice.</param>
    public static ReportData Read(string path, byte[] content, bool testsOnly)
    {
        var file = ResultsFile.Read(path, content);
        var files = (file.TestsByLine ?? []).Select(source => new FileCoverage(
            source.Key,
            "",
            [.. source.Value.Select(line => new LineCoverage(line.Key, testsOnly ? 0 : 1, null, line.Value))],
            [])).ToList();
        return new ReportData(ReportInputs.Coverage(files, file.Finished), file.Tests);
    }
}
