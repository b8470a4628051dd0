using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Harness.Core.Coverage;
using Harness.Reporters.Coverage;
using Harness.Reporters.Tests.Support;

namespace Harness.Reporters.Tests;

public partial class LcovWriterTests
{
    [Fact]
    public void Write_SampleReport_LcovSummaryMatchesModel()
    {
        using var temp = new TempDirectory("lcov-summary");
        var report = SampleReport.Create(temp.File("src"));
        var file = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        var summary = Lcov.Summary(file);

        Assert.Equal(new LcovSummary(report.LinesCovered, report.LinesValid, SampleReport.FunctionsHit(report), SampleReport.FunctionCount(report)), summary);
    }

    [Fact]
    public void Write_SampleReport_GenhtmlRendersIt()
    {
        using var temp = new TempDirectory("lcov-genhtml");
        var report = SampleReport.Create(temp.File("src"));
        var file = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        var result = Lcov.Genhtml(file, temp.File("html"));

        Assert.True(result.ExitCode == 0, $"genhtml exited {result.ExitCode}:\n{result.StandardError}\n{result.StandardOutput}");
        Assert.True(File.Exists(temp.File("html/index.html")));
        // genhtml escapes function names itself; the name must reach it whole, comma replaced.
        var functions = File.ReadAllText(Path.Combine(temp.Path, "html", "calc", "src", "lib.rs.func.html"));
        Assert.Contains("core::iter::Iterator::fold&lt;u64; u32&gt;", functions, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NamesWithCommasAndSpaces_EachStaysOneFunction()
    {
        using var temp = new TempDirectory("lcov-names");
        var path = Source(temp.File("src"), "generic.rs", 10);
        // Before sanitising, lcov 1.x cut both at the first comma into one function "fold<u64".
        var report = new CoverageReport(
            [new FileCoverage(path, "m", [new(1, 1), new(4, 0), new(7, 1)], [
                new("fold<u64, u32>", 1, 3, 1),
                new("fold<u64, u8>", 4, 6, 0),
                new("with some spaces", 7, 9, 1),
            ])],
            SampleReport.Timestamp);
        var file = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        var summary = Lcov.Summary(file);
        var text = File.ReadAllText(file);

        Assert.Equal(3, summary.FunctionsFound);
        Assert.Equal(2, summary.FunctionsHit);
        Assert.Contains("FN:1,fold<u64; u32>\n", text, StringComparison.Ordinal);
        Assert.Contains("FNDA:0,fold<u64; u8>\n", text, StringComparison.Ordinal);
        Assert.Contains("FN:7,with some spaces\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SameNameAtTwoLines_KeepsBothFunctions()
    {
        using var temp = new TempDirectory("lcov-overloads");
        var path = Source(temp.File("src"), "overloads.cpp", 10);
        var report = new CoverageReport(
            [new FileCoverage(path, "m", [new(2, 1), new(6, 0)], [new("ns::f", 2, 4, 1), new("ns::f", 6, 8, 0)])],
            SampleReport.Timestamp);
        var file = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        var summary = Lcov.Summary(file);

        Assert.Equal(2, summary.FunctionsFound);
        Assert.Equal(1, summary.FunctionsHit);
        Assert.Contains("FN:2,ns::f (line 2)\n", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ControlCharactersInPathAndName_EveryLineIsARecord()
    {
        var report = new CoverageReport(
            [new FileCoverage("/src/a\nSF:/injected.c", "m", [new(1, 1)], [new("f\r\nDA:99,1", 1, 1, 1), new("", 1, 1, 0)])],
            SampleReport.Timestamp);

        var text = Encoding.UTF8.GetString(CoverageFile.Bytes(new LcovWriter(), report));

        var lines = text.Split('\n');
        Assert.Equal("", lines[^1]);
        Assert.All(lines[..^1], line => Assert.Matches(RecordPattern(), line));
        Assert.Single(lines, l => l.StartsWith("SF:", StringComparison.Ordinal));
        Assert.Contains("SF:/src/a\uFFFDSF:/injected.c\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DA:99", lines.Where(l => l.StartsWith("DA:", StringComparison.Ordinal)));
        Assert.Contains("FN:1,(unnamed)\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_UnsortedInput_WritesSortedDeterministicUtf8()
    {
        var report = new CoverageReport(
            [
                new FileCoverage("/src/z.c", "m", [new(5, 0), new(1, 2)], [new("z2", 5, 5, 0), new("z1", 1, 1, 2)]),
                new FileCoverage("/src/ä.c", "m", [new(3, 1)], [new("ä", 3, 3, 1)]),
            ],
            SampleReport.Timestamp);

        var bytes = CoverageFile.Bytes(new LcovWriter(), report);

        Assert.Equal(bytes, CoverageFile.Bytes(new LcovWriter(), report));
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte-order mark");
        Assert.Equal(
            """
            TN:
            SF:/src/z.c
            FN:1,z1
            FN:5,z2
            FNDA:2,z1
            FNDA:0,z2
            FNF:2
            FNH:1
            DA:1,2
            DA:5,0
            LF:2
            LH:1
            end_of_record
            TN:
            SF:/src/ä.c
            FN:3,ä
            FNDA:1,ä
            FNF:1
            FNH:1
            DA:3,1
            LF:1
            LH:1
            end_of_record

            """.ReplaceLineEndings("\n"),
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Write_CultureWithOtherDigits_WritesInvariantNumbers()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NegativeSign = "~";
        culture.NumberFormat.NumberGroupSeparator = "'";
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            var report = new CoverageReport([new FileCoverage("/a.c", "m", [new(12345, 1234567)], [])], SampleReport.Timestamp);

            var text = Encoding.UTF8.GetString(CoverageFile.Bytes(new LcovWriter(), report));

            Assert.Contains("DA:12345,1234567\n", text, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Write_EmptyReport_WritesNoRecords()
    {
        // LCOV has no header to write, so nothing covered is no records. lcov 1.16 itself refuses such a file
        // ("no valid records found in tracefile"), as it does any tool's empty tracefile.
        Assert.Empty(CoverageFile.Bytes(new LcovWriter(), new CoverageReport([], SampleReport.Timestamp)));
    }

    private static string Source(string root, string name, int lines)
    {
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, name);
        File.WriteAllLines(path, Enumerable.Range(1, lines).Select(n => $"// {n}"));
        return path;
    }

    [GeneratedRegex(@"^(TN:|SF:.+|FN:\d+,[^,\r]+|FNDA:\d+,[^,\r]+|FNF:\d+|FNH:\d+|DA:\d+,\d+|LF:\d+|LH:\d+|end_of_record)$")]
    private static partial Regex RecordPattern();
}
