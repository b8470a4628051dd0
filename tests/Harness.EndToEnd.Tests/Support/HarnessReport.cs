using System.Globalization;
using System.Text.RegularExpressions;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>The totals line <c>harness report</c> prints on stdout.</summary>
internal sealed record ReportTotals(int LinesCovered, int LinesValid, int BranchesCovered, int BranchesValid, int Files, int Tests, int FailedTests);

/// <summary>Runs the real <c>harness report</c> and reads what it printed.</summary>
internal static partial class HarnessReport
{
    public static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(3));

    public static ReportTotals Totals(ProcessResult result)
    {
        var match = TotalsLine().Match(result.StandardOutput);
        Assert.True(match.Success, $"no totals line:\n{result.StandardOutput}\n{result.StandardError}");
        int Group(int i) => int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture);
        return new ReportTotals(Group(1), Group(2), Group(3), Group(4), Group(5), Group(6), Group(7));
    }

    [GeneratedRegex(@"^harness: lines: (\d+)/(\d+) \([^)]*\), branches: (\d+)/(\d+) \([^)]*\), functions: \d+/\d+ in (\d+) files; tests: (\d+) \((\d+) failed\)", RegexOptions.Multiline)]
    private static partial Regex TotalsLine();
}
