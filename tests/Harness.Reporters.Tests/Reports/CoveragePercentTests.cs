using System.Text;
using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Reporters.Reports;

namespace Harness.Reporters.Tests.Reports;

/// <summary>One rounding rule everywhere (lcov's: floor to one decimal) and "n/a" for no data.</summary>
public sealed class CoveragePercentTests
{
    [Theory]
    [InlineData(0, 0, "n/a")]
    [InlineData(0, 7, "0.0%")]
    [InlineData(7, 7, "100.0%")]
    [InlineData(9999, 10000, "99.9%")]
    [InlineData(953, 1000, "95.3%")]
    [InlineData(9529, 10000, "95.2%")] // rounding (F1) says 95.3: harness test and harness report disagreed
    [InlineData(1, 3, "33.3%")]
    [InlineData(2, 3, "66.6%")]
    [InlineData(1, 20000, "0.0%")]
    public void Format_CoveredOverValid_FlooredToOneDecimal(int covered, int valid, string expected) =>
        Assert.Equal(expected, CoveragePercent.Format(covered, valid));

    [Fact]
    public void Rates_NoExecutableLines_NoNumber()
    {
        var report = new CoverageReport([new FileCoverage("/a.c", "m", [], [])], DateTimeOffset.UnixEpoch);

        Assert.False(report.HasLineData);
        Assert.Null(report.LineRate);
        Assert.Null(report.BranchRate);
    }

    [Fact]
    public void Markdown_NoCoverage_NotApplicableNotANumber()
    {
        using var output = new MemoryStream();

        MarkdownWriter.Write(ReportData.Empty, "t", output);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("| Lines | 0 | 0 | n/a |", text, StringComparison.Ordinal);
        Assert.Contains("| Branches | 0 | 0 | n/a |", text, StringComparison.Ordinal);
        Assert.DoesNotContain("100", text, StringComparison.Ordinal);
    }
}
