using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Core.Model;
using Harness.Reporters.Html;

namespace Harness.Reporters.Tests.Reports;

/// <summary>The HTML report's own pages: test results, per-line covering tests, branch columns only with branch data, no upsell.</summary>
public sealed class HtmlReportTests
{
    private static ResultEntry Result(string name, TestOutcome outcome, string? message = null, string output = "") =>
        new(name, name.Replace("suite.bin.", "", StringComparison.Ordinal).Replace('.', ':'), "suite", "bin", "/build/bin", outcome, false, 1, 0.25, DateTimeOffset.UnixEpoch,
            "/src/lib.rs", 3, message, message is null ? null : "/src/lib.rs", message is null ? null : 9, outcome == TestOutcome.Passed ? 0 : 101, null, output, "");

    [Fact]
    public void Write_FailingTestAndPerTestCoverage_TestsPageShowsFailureAndLinesNameTheirTests()
    {
        using var temp = new TempDirectory("html-tests");
        var source = temp.File("lib.rs");
        File.WriteAllLines(source, ["fn a() {", "    b();", "}"]);
        var data = new ReportData(
            new CoverageReport([new FileCoverage(source, "", [new LineCoverage(1, 2, Tests: ["suite.bin.adds", "suite.bin.<b>fails</b>"]), new LineCoverage(2, 1, Tests: ["suite.bin.adds"]), new LineCoverage(3, 0)], [])], DateTimeOffset.UnixEpoch),
            [Result("suite.bin.adds", TestOutcome.Passed), Result("suite.bin.<b>fails</b>", TestOutcome.Failed, "expected <2>, got 3", "printed & flushed\n"), Result("suite.bin.later", TestOutcome.Skipped)]);
        var output = temp.File("html");

        HtmlReportWriter.Write(data, "Run", output);

        var tests = File.ReadAllText(Path.Combine(output, "tests.html"));
        Assert.Contains("suite.bin.&lt;b&gt;fails&lt;/b&gt;", tests, StringComparison.Ordinal);
        Assert.Contains("expected &lt;2&gt;, got 3", tests, StringComparison.Ordinal);
        Assert.Contains("at /src/lib.rs:9", tests, StringComparison.Ordinal);
        Assert.Contains("printed &amp; flushed", tests, StringComparison.Ordinal);
        Assert.Contains("3 tests: 1 passed, 1 failed, 1 skipped", tests, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", tests, StringComparison.Ordinal);
        var file = File.ReadAllText(Path.Combine(output, "file0.html"));
        Assert.Contains("Covered by tests", file, StringComparison.Ordinal);
        Assert.Contains("<summary>2 tests</summary>", file, StringComparison.Ordinal);
        Assert.Contains("href=\"tests.html#t0\" title=\"suite.bin.adds\">adds</a>", file, StringComparison.Ordinal);
        // No branch data anywhere: no branch column or total.
        Assert.DoesNotContain("Branch", file, StringComparison.Ordinal);
        Assert.DoesNotContain("branch", File.ReadAllText(Path.Combine(output, "index.html")), StringComparison.OrdinalIgnoreCase);
        AssertNoUpsell(output);
    }

    [Fact]
    public void Write_BranchData_BranchColumnsAndTotals()
    {
        using var temp = new TempDirectory("html-branches");
        var data = ReportData.FromCoverage(new CoverageReport(
            [new FileCoverage("/nowhere/a.c", "a", [new LineCoverage(4, 1, [new BranchArm(0, 0, 1), new BranchArm(0, 1, 0)])], [])], DateTimeOffset.UnixEpoch));
        var output = temp.File("html");

        HtmlReportWriter.Write(data, "Run", output);

        var index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("<th>Total branches:</th><td>2</td>", index, StringComparison.Ordinal);
        var file = File.ReadAllText(Path.Combine(output, "file0.html"));
        Assert.Contains("<th>Branches</th>", file, StringComparison.Ordinal);
        Assert.Contains(">1/2</td>", file, StringComparison.Ordinal);
        Assert.Contains("lightorange", file, StringComparison.Ordinal); // ran, one arm never taken
        Assert.Contains("Source not found", file, StringComparison.Ordinal);
        Assert.Contains("no test results", File.ReadAllText(Path.Combine(output, "tests.html")), StringComparison.Ordinal);
        AssertNoUpsell(output);
    }

    private static void AssertNoUpsell(string directory)
    {
        foreach (var page in Directory.EnumerateFiles(directory, "*.html", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(page);
            Assert.DoesNotContain("sponsor", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("PRO version", text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
