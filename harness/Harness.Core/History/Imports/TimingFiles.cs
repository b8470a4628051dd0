using Harness.Core.History.Comparison;

namespace Harness.Core.History.Imports;

/// <summary>
/// Reads timings a team already has as a comparison side: a harness <c>results.json</c>, a JUnit XML file (ours,
/// GoogleTest's, pytest's, cargo2junit's…) or CTest's <c>Testing/Temporary/CTestCostData.txt</c>. The format is
/// sniffed from the content, not the file name.
/// </summary>
public static class TimingFiles
{
    public static SampleSource Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HistoryException($"{path}: cannot read timings: {e.Message}", e);
        }
        var start = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var sets = start.StartsWith('{') ? ResultsTimings.Parse(path)
            : start.StartsWith('<') ? JUnitTimings.Parse(text, path)
            : CTestCostData.Parse(text, path);
        return new SampleSource(path, sets);
    }
}
