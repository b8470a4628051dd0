using System.Globalization;
using Harness.Core.History.Comparison;

namespace Harness.Core.History.Imports;

/// <summary>
/// CTest's <c>Testing/Temporary/CTestCostData.txt</c>: a line <c>NAME RUNS AVERAGE-SECONDS</c> per test, then
/// <c>---</c> and the names that failed last time. Each test becomes one sample, its average, which the
/// comparison treats as a fixed reference. Names may contain spaces, so a line is split from the right.
/// </summary>
internal static class CTestCostData
{
    public static IReadOnlyList<SampleSet> Parse(string text, string path)
    {
        var sets = new List<SampleSet>();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var inFailures = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (line == "---")
            {
                inFailures = true;
                continue;
            }
            if (inFailures)
            {
                failed.Add(line);
                continue;
            }
            var last = line.LastIndexOf(' ');
            var middle = last > 0 ? line.LastIndexOf(' ', last - 1) : -1;
            if (middle <= 0
                || !int.TryParse(line.AsSpan(middle + 1, last - middle - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var runs)
                || !double.TryParse(line.AsSpan(last + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
            {
                throw new HistoryException($"{path}: not a CTest cost file (JUnit XML, results.json or CTestCostData.txt): line \"{Shorten(line)}\"");
            }
            if (runs > 0)
            {
                sets.Add(new SampleSet(line[..middle], [seconds]));
            }
        }
        return [.. sets.Where(s => !failed.Contains(s.Name))];
    }

    private static string Shorten(string line) => line.Length > 80 ? line[..80] + "…" : line;
}
