using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Reports;
using Harness.Reporters.Html;
using Harness.Reporters.Reports;
using Harness.Reporters.Tests.Support;
using static Harness.Reporters.Tests.Support.Reports;

namespace Harness.Reporters.Tests.Reports;

/// <summary>
/// A merged report of coverlet's real Cobertura (a .NET library) and native coverage with branches, written in
/// every format and read back by the tools people read them with: xmllint against the DTD, lcov, genhtml,
/// ReportGenerator.
/// </summary>
public sealed partial class ReportWriterOracleTests
{
    // coverlet: 9 of 15 lines, 4 of 8 branch arms, 2 of 3 methods; native: 2 of 3 lines, 1 of 4 arms, 1 of 2 functions.
    private const int LinesCovered = 11;
    private const int LinesValid = 18;
    private const int BranchesCovered = 5;
    private const int BranchesValid = 12;

    /// <summary>coverlet's sample (mapped to its checked-in source) and a native file written into <paramref name="directory"/>:
    /// genhtml and ReportGenerator read the sources.</summary>
    private static ReportData MixedReport(string directory)
    {
        var native = Path.Combine(directory, "calc", "src", "lib.rs");
        Directory.CreateDirectory(Path.GetDirectoryName(native)!);
        File.WriteAllLines(native, Enumerable.Range(1, 9).Select(i => $"// line {i}"));
        var coverlet = Read(TestData("coverlet", "coverage.cobertura.xml"));
        var nativeData = ReportData.FromCoverage(new CoverageReport(
            [new FileCoverage(native, "calc",
                [new LineCoverage(3, 1, [new BranchArm(0, 0, 2), new BranchArm(0, 1, 0)]), new LineCoverage(4, 1), new LineCoverage(7, 0, [new BranchArm(0, 0, null), new BranchArm(0, 1, null)])],
                [new FunctionCoverage("calc::add", 3, 5, 1), new FunctionCoverage("calc::unused", 7, 8, 0)])],
            DateTimeOffset.UnixEpoch));
        var merged = ReportData.Merge([coverlet, nativeData]);
        merged = merged with { Coverage = CoverageMerge.Normalize(merged.Coverage, new PathNormalizer(null, [("/tmp/coverlet6", TestData("coverlet"))])) };
        Assert.Equal((LinesCovered, LinesValid, BranchesCovered, BranchesValid),
            (merged.Coverage.LinesCovered, merged.Coverage.LinesValid, merged.Coverage.BranchesCovered, merged.Coverage.BranchesValid));
        return merged;
    }

    private static string Write(string format, ReportData data, string directory)
    {
        var path = Path.Combine(directory, ReportWriters.FileName(format));
        using var file = File.Create(path);
        ReportWriters.Write(format, data, "Mixed <report>", file);
        return path;
    }

    [Fact]
    public void Write_Cobertura_IsValidAgainstTheCoberturaDtdWithRightRates()
    {
        using var temp = new TempDirectory("cobertura-dtd");
        var path = Write("cobertura", MixedReport(temp.Path), temp.Path);

        var result = ProcessRunner.Run("xmllint", ["--noout", "--dtdvalid", TestData("coverage-04.dtd"), path]);

        Assert.True(result.ExitCode == 0, $"xmllint: {result.StandardError}");
        var root = XDocument.Load(path).Root!;
        Assert.Equal(
            [LinesCovered.ToString(CultureInfo.InvariantCulture), LinesValid.ToString(CultureInfo.InvariantCulture), BranchesCovered.ToString(CultureInfo.InvariantCulture), BranchesValid.ToString(CultureInfo.InvariantCulture), "0.6111", "0.4167"],
            new[] { "lines-covered", "lines-valid", "branches-covered", "branches-valid", "line-rate", "branch-rate" }.Select(a => (string)root.Attribute(a)!));
        Assert.Equal(["Calc", "calc"], root.Descendants("package").Select(p => (string)p.Attribute("name")!));
        var branchLine = root.Descendants("class").Single(c => ((string)c.Attribute("filename")!).EndsWith("lib.rs", StringComparison.Ordinal))
            .Element("lines")!.Elements("line").Single(l => (string)l.Attribute("number")! == "3");
        Assert.Equal(("True", "50% (1/2)"), ((string)branchLine.Attribute("branch")!, (string)branchLine.Attribute("condition-coverage")!));
        var method = root.Descendants("method").Single(m => (string)m.Attribute("name")! == "calc::add");
        Assert.Equal(["3", "4"], method.Descendants("line").Select(l => (string)l.Attribute("number")!));
    }

    [Fact]
    public void Write_Lcov_LcovSummaryAndGenhtmlCountTheSameTotals()
    {
        using var temp = new TempDirectory("lcov-oracle");
        var path = Write("lcov", MixedReport(temp.Path), temp.Path);

        var summary = ProcessRunner.Run("lcov", ["--summary", path, "--rc", "lcov_branch_coverage=1"]).EnsureSuccess("lcov --summary");
        var genhtml = ProcessRunner.Run("genhtml", ["--branch-coverage", "--output-directory", temp.File("genhtml"), path]).EnsureSuccess("genhtml");

        foreach (var text in new[] { summary.StandardOutput + summary.StandardError, genhtml.StandardOutput + genhtml.StandardError })
        {
            Assert.Matches($@"lines\.+: [\d.]+% \({LinesCovered} of {LinesValid} lines\)", text);
            Assert.Matches($@"functions\.+: [\d.]+% \(3 of 5 functions\)", text);
            Assert.Matches($@"branches\.+: [\d.]+% \({BranchesCovered} of {BranchesValid} branches\)", text);
        }
    }

    [Fact]
    public void Write_AllFormats_ReportGeneratorReadsCoberturaAndLcovWithTheSameTotals()
    {
        using var temp = new TempDirectory("rg-oracle");
        var data = MixedReport(temp.Path);
        foreach (var format in new[] { "cobertura", "lcov" })
        {
            var summary = ReportGeneratorOracle.Generate(Write(format, data, temp.Path), temp.File($"rg-{format}"));

            Assert.Equal((LinesCovered, LinesValid), (summary.CoveredLines, summary.CoverableLines));
            Assert.Equal(2, summary.Files);
            Assert.Contains($"Covered branches: {BranchesCovered}", summary.Text, StringComparison.Ordinal);
            Assert.Contains($"Total branches: {BranchesValid}", summary.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Write_JUnitOfAnInterruptedRun_CancelledAnErrorNotRunSkippedWithItsMessage()
    {
        using var temp = new TempDirectory("junit-interrupted");
        Harness.Core.Model.ResultEntry Entry(string name, Harness.Core.Model.TestOutcome outcome, string? message) =>
            new(name, name, "s", "b", "/b", outcome, false, outcome == Harness.Core.Model.TestOutcome.NotRun ? 0 : 1, 0.5, DateTimeOffset.UnixEpoch,
                null, null, message, null, null, null, null, "", "");
        var data = MixedReport(temp.Path) with
        {
            Tests =
            [
                Entry("s.b.passes", Harness.Core.Model.TestOutcome.Passed, null),
                Entry("s.b.interrupted", Harness.Core.Model.TestOutcome.Cancelled, "cancelled: the run was interrupted while it ran"),
                Entry("s.b.never", Harness.Core.Model.TestOutcome.NotRun, "not run: the run stopped before it started"),
            ],
        };

        var junit = XDocument.Load(Write("junit", data, temp.Path)).Root!;

        Assert.Equal(("3", "0", "1", "1"), ((string?)junit.Attribute("tests"), (string?)junit.Attribute("failures"), (string?)junit.Attribute("errors"), (string?)junit.Attribute("skipped")));
        var cases = junit.Descendants("testcase").ToDictionary(c => (string)c.Attribute("name")!);
        Assert.Equal("Cancelled", (string?)cases["interrupted"].Element("error")?.Attribute("type"));
        Assert.Equal("not run: the run stopped before it started", (string?)cases["never"].Element("skipped")?.Attribute("message"));
        Assert.Null(cases["passes"].Element("skipped"));
    }

    [Fact]
    public void Write_Markdown_HasTotalsWorstFilesAndFailedTestsEscaped()
    {
        using var temp = new TempDirectory("markdown");
        var failed = new Harness.Core.Model.ResultEntry("suite.adds_<script>", "adds", "s", "b", "/b", Harness.Core.Model.TestOutcome.Failed, false, 1, 0.1, DateTimeOffset.UnixEpoch,
            null, null, "expected 2 | got *3*", "/work/calc/src/lib.rs", 9, 101, null, "", "");
        var data = MixedReport(temp.Path) with { Tests = [failed] };

        var text = File.ReadAllText(Write("markdown", data, temp.Path));

        Assert.StartsWith("# Mixed &lt;report&gt;\n", text, StringComparison.Ordinal);
        Assert.Contains($"| Lines | {LinesCovered} | {LinesValid} | 61.1% |", text, StringComparison.Ordinal);
        Assert.Contains($"| Branches | {BranchesCovered} | {BranchesValid} | 41.6% |", text, StringComparison.Ordinal);
        Assert.Contains("- **suite.adds\\_&lt;script&gt;** (failed) at `/work/calc/src/lib.rs:9` — expected 2 \\| got \\*3\\*", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        var worst = text[text.IndexOf("## Worst-covered files", StringComparison.Ordinal)..];
        Assert.Contains($"| `{TestData("coverlet", "Calc", "Pricing.cs")}` | 60.0% | 6 |", worst, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Html_ShowsBothLanguagesWithSourceLinesAndEscapesHostilePaths()
    {
        using var temp = new TempDirectory("html");
        var hostile = temp.File("<script>alert(1)<\\script>.c");
        File.WriteAllText(temp.File("victim.txt"), "keep");
        var data = ReportData.Merge([MixedReport(temp.Path), ReportData.FromCoverage(new CoverageReport(
            [new FileCoverage("/../../" + hostile, "<img src=x onerror=alert(2)>", [new LineCoverage(1, 1)], [])], DateTimeOffset.UnixEpoch))]);
        var output = temp.File("out");

        HtmlReportWriter.Write(data, "Mixed <report>", output);

        var pages = Directory.GetFiles(output, "*", SearchOption.AllDirectories);
        Assert.All(pages, p => Assert.StartsWith(output + "/", p, StringComparison.Ordinal));
        Assert.DoesNotContain(pages, p => p.EndsWith(".xml", StringComparison.Ordinal));
        var index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("Calc", index, StringComparison.Ordinal);
        Assert.Contains("calc", index, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", index, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", index, StringComparison.Ordinal);
        var pricing = pages.Select(File.ReadAllText).Single(p => p.Contains("Pricing.cs", StringComparison.Ordinal) && p.Contains("NeverCalled", StringComparison.Ordinal) && p.Contains("lightgreen", StringComparison.Ordinal));
        // ReportGenerator writes each source line as a table row, spaces as &nbsp;, coloured by coverage.
        Assert.Contains("lightgreen", Row(pricing, "return&nbsp;price&nbsp;*&nbsp;0.9m;"), StringComparison.Ordinal);
        Assert.Contains("lightred", Row(pricing, "return&nbsp;x&nbsp;*&nbsp;2;"), StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(temp.File("victim.txt")));
    }

    private static string Row(string page, string code) =>
        Assert.Single(RowPattern().Matches(page), m => m.Value.Contains(code, StringComparison.Ordinal)).Value;

    [GeneratedRegex("<tr[^>]*>.*?</tr>")]
    private static partial Regex RowPattern();
}
