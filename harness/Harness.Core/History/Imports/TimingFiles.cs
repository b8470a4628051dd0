using Harness.Core.Formats;
using Harness.Core.History.Comparison;

namespace Harness.Core.History.Imports;

/// <summary>
/// Reads timings a team already has as a comparison side: a harness <c>results.json</c>, a JUnit XML file (ours,
/// GoogleTest's, pytest's, cargo2junit's…) or CTest's <c>Testing/Temporary/CTestCostData.txt</c>. The format is
/// sniffed from the content by the one <see cref="InputSniffer"/>, not from the file name.
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
        var head = System.Text.Encoding.UTF8.GetBytes(text[..Math.Min(text.Length, InputSniffer.HeadLength)]);
        var sets = InputSniffer.Sniff(head) switch
        {
            InputFormat.HarnessResults => ResultsTimings.Parse(path),
            InputFormat.JUnit => JUnitTimings.Parse(text, path),
            // Anything else is read as cost data, whose parser names the file and the line it cannot read.
            _ => CTestCostData.Parse(text, path),
        };
        return new SampleSource(path, sets);
    }
}
