using System.IO.Compression;
using Harness.Core.Coverage;
using Harness.Core.Formats;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Reports;
using Harness.Reporters.Coverage;
using Harness.Reporters.Reports;
using Harness.Reporters.Tests.Support;
using static Harness.Reporters.Tests.Support.Reports;

namespace Harness.Reporters.Tests.Reports;

public sealed class InputReaderTests
{
    private const string Lcov = """
        TN:
        SF:/src/a.c
        FN:3,main
        FN:10,14,helper
        FNDA:1,main
        FNDA:0,helper
        FNF:2
        FNH:1
        BRDA:4,0,0,1
        BRDA:4,0,1,0
        BRDA:11,0,0,-
        BRDA:11,0,1,-
        BRF:4
        BRH:1
        DA:3,1
        DA:4,5
        DA:11,0
        LF:3
        LH:2
        end_of_record

        """;

    [Fact]
    public void Read_LcovWithBranchesAndFunctions_KeepsEveryRecord()
    {
        using var temp = new TempDirectory("lcov-read");
        var coverage = ReadCoverage(WriteText(temp.Path, "whatever.dat", Lcov));

        var file = Assert.Single(coverage.Files);
        Assert.Equal("/src/a.c", file.Path);
        Assert.Equal([(3, 1L), (4, 5L), (11, 0L)], file.Lines.Select(l => (l.Line, l.Hits)));
        Assert.Equal([new BranchArm(0, 0, 1), new BranchArm(0, 1, 0)], file.Lines[1].Branches);
        Assert.Equal([new BranchArm(0, 0, null), new BranchArm(0, 1, null)], file.Lines[2].Branches);
        Assert.Equal([("main", 3, 3, 1L), ("helper", 10, 14, 0L)], file.Functions.Select(f => (f.Name, f.Line, f.EndLine, f.Hits)));
        Assert.Equal((1, 4), (coverage.BranchesCovered, coverage.BranchesValid));
    }

    [Fact]
    public void Read_LcovWrittenByHarness_ReadsBackTheSameReport()
    {
        using var temp = new TempDirectory("lcov-roundtrip");
        var report = CoverageMerge.Merge([new CoverageReport(
            [new FileCoverage("/src/a.c", "", [new LineCoverage(1, 2, [new BranchArm(0, 0, 2), new BranchArm(0, 1, null), new BranchArm(1, 0, 0)]), new LineCoverage(5, 0)],
                [new FunctionCoverage("ns::f", 1, 1, 2)])],
            DateTimeOffset.UnixEpoch)]);

        var path = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        Assert.Equal(Canonical(report), Canonical(ReadCoverage(path)));
    }

    [Theory]
    [InlineData("DA:3,-1", "negative count -1")]
    [InlineData("BRDA:3,0,0,-7", "negative count -7")]
    [InlineData("DA:x,1", "is not a line number")]
    [InlineData("DA:3", "is not a count")]
    public void Read_LcovWithBadCounts_FailsNamingFileAndLine(string record, string message)
    {
        using var temp = new TempDirectory("lcov-bad");
        var path = WriteText(temp.Path, "bad.info", $"TN:\nSF:/src/a.c\n{record}\nend_of_record\n");

        var error = Assert.Throws<ReportInputException>(() => Read(path));

        Assert.StartsWith($"{path}: line 3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CoverletCobertura_ReadsFilesMethodsAndConditions()
    {
        var coverage = ReadCoverage(TestData("coverlet", "coverage.cobertura.xml"));

        var file = Assert.Single(coverage.Files);
        Assert.Equal("/tmp/coverlet6/Calc/Pricing.cs", file.Path);
        Assert.Equal("Calc", file.Module);
        // coverlet's own totals in the file's root element: 9 of 15 lines, 4 of 8 branches.
        Assert.Equal((9, 15), (coverage.LinesCovered, coverage.LinesValid));
        Assert.Equal((4, 8), (coverage.BranchesCovered, coverage.BranchesValid));
        Assert.Equal(
            [("Calc.Pricing::Discount(System.Decimal,System.Int32)", 6, 12, 1L), ("Calc.Pricing::Describe(System.Int32)", 14, 19, 1L), ("Calc.Pricing::NeverCalled(System.Int32)", 22, 24, 0L)],
            file.Functions.Select(f => (f.Name, f.Line, f.EndLine, f.Hits)));
    }

    [Fact]
    public void Read_CoberturaWrittenByHarness_KeepsLinesBranchesAndFunctionHits()
    {
        using var temp = new TempDirectory("cobertura-roundtrip");
        var report = CoverageMerge.Merge([SampleReport.Create("/work"), new CoverageReport(
            [new FileCoverage("/work/calc/src/branchy.rs", "calc", [new LineCoverage(2, 3, [new BranchArm(0, 0, 1), new BranchArm(0, 1, 0)]), new LineCoverage(3, 0)], [])],
            DateTimeOffset.UnixEpoch)]);

        var back = ReadCoverage(CoverageFile.Write(new CoberturaWriter(), report, temp.Path));

        Assert.Equal(report.Files.Select(f => f.Path), back.Files.Select(f => f.Path));
        Assert.Equal(report.Files.Select(f => f.Module), back.Files.Select(f => f.Module));
        Assert.Equal(report.Files.SelectMany(f => f.Lines.Select(l => (f.Path, l.Line, l.Hits))), back.Files.SelectMany(f => f.Lines.Select(l => (f.Path, l.Line, l.Hits))));
        Assert.Equal((report.BranchesCovered, report.BranchesValid), (back.BranchesCovered, back.BranchesValid));
        Assert.Equal(report.Files.SelectMany(f => f.Functions.Where(fn => fn.HasCode).Select(fn => (fn.Name, fn.Hits > 0))).Order(),
            back.Files.SelectMany(f => f.Functions.Select(fn => (fn.Name, fn.Hits > 0))).Order());
    }

    [Fact]
    public void Read_BillionLaughs_FailsWithoutExpandingEntities()
    {
        using var temp = new TempDirectory("xml-bomb");
        var entities = string.Join("\n", Enumerable.Range(1, 9).Select(i => $"  <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">"));
        var path = WriteText(temp.Path, "coverage.xml", $"""
            <?xml version="1.0"?>
            <!DOCTYPE coverage [
              <!ENTITY lol0 "lol">
            {entities}
            ]>
            <coverage><packages><package name="&lol9;"><classes/></package></packages></coverage>
            """);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<ReportInputException>(() => Read(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains("lol9", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Read_ExternalEntity_IsNotResolved()
    {
        using var temp = new TempDirectory("xml-xxe");
        var secret = WriteText(temp.Path, "secret.txt", "top-secret");
        var path = WriteText(temp.Path, "coverage.xml", $"""
            <?xml version="1.0"?>
            <!DOCTYPE coverage [ <!ENTITY secret SYSTEM "file://{secret}"> ]>
            <coverage><packages><package name="&secret;"><classes/></package></packages></coverage>
            """);

        var error = Assert.Throws<ReportInputException>(() => Read(path));

        Assert.DoesNotContain("top-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedXml_FailsNamingFileAndLine()
    {
        using var temp = new TempDirectory("xml-broken");
        var path = WriteText(temp.Path, "c.xml", "<?xml version=\"1.0\"?>\n<coverage>\n<packages>\n<package name=\"x\">\n<classes><class filename=\"a.c\">");

        var error = Assert.Throws<ReportInputException>(() => Read(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Line 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipBombLargerThanTheCap_IsRefusedNotAllocated()
    {
        using var temp = new TempDirectory("gzip-bomb");
        var path = temp.File("coverage.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write("TN:\nSF:/a.c\n"u8);
            gzip.Write(new byte[4 << 20]);
        }
        Assert.True(new FileInfo(path).Length < 64 * 1024);

        var error = Assert.Throws<ReportInputException>(() => ReportInputs.Read(new InputFile(path), maxBytes: 1 << 20));

        Assert.Contains("decompresses to more than", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lcov", InputFormat.Lcov)]
    [InlineData("cobertura", InputFormat.Cobertura)]
    [InlineData("json", InputFormat.HarnessJson)]
    public void Sniff_OurOwnFormatsUnderAnyName_AreRecognisedByContent(string format, InputFormat expected)
    {
        using var temp = new TempDirectory("sniff");
        var path = temp.File("report.txt");
        using (var file = File.Create(path))
        {
            ReportWriters.Write(format, ReportData.FromCoverage(SampleReport.Create("/work")), "t", file);
        }

        Assert.Equal(expected, ReportInputs.Sniff(path));
    }

    [Theory]
    [InlineData("{\"data\":[{\"files\":[]}],\"type\":\"llvm.coverage.json.export\",\"version\":\"2.0.1\"}", InputFormat.LlvmCovJson)]
    [InlineData("{\"format_version\":\"1\",\"gcc_version\":\"12.2.0\",\"current_working_directory\":\"/x\",\"files\":[]}", InputFormat.GcovJson)]
    [InlineData("{\"schemaVersion\":1,\"harness\":\"1.0\",\"tests\":[]}", InputFormat.HarnessResults)]
    [InlineData("\uFEFF\n  SF:/a.c\nend_of_record\n", InputFormat.Lcov)]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\"><coverage/>", InputFormat.Cobertura)]
    [InlineData("<html><body>coverage</body></html>", null)]
    [InlineData("{\"name\":\"package.json\"}", null)]
    [InlineData("hello", null)]
    public void Sniff_Content_PicksTheFormat(string content, InputFormat? expected) =>
        Assert.Equal(expected, InputSniffer.Sniff(System.Text.Encoding.UTF8.GetBytes(content)));

    [Fact]
    public void Read_HarnessJsonReport_ReadsBackEverything()
    {
        using var temp = new TempDirectory("json-roundtrip");
        var coverage = CoverageMerge.Merge([new CoverageReport(
            [new FileCoverage("/s/x.rs", "x", [new LineCoverage(1, 1, [new BranchArm(0, 0, null), new BranchArm(0, 1, 3)], ["a::b"])], [new FunctionCoverage("x::f", 1, 4, 1, HasCode: false)])],
            DateTimeOffset.FromUnixTimeSeconds(1_700_000_000))]);
        var data = new ReportData(coverage, [new Harness.Core.Model.ResultEntry("a.b", "a::b", "s", "bin", "/b", Harness.Core.Model.TestOutcome.Failed, false, 1, 0.5, DateTimeOffset.UnixEpoch,
            "/s/x.rs", 3, "boom", "/s/x.rs", 4, 101, null, "out", "err")]);
        var path = temp.File("out.json");
        using (var file = File.Create(path))
        {
            HarnessJsonWriter.Write(data, "t", file);
        }

        Assert.Equal(Canonical(data), Canonical(Read(path)));
    }

    [Fact]
    public void Expand_DirectoriesOfHarnessTestCoverAndReportOutput_ReadEachCoverageOnce()
    {
        using var temp = new TempDirectory("expand");
        var data = ReportData.FromCoverage(SampleReport.Create("/work"));
        var test = Directory.CreateDirectory(temp.File("test")).FullName;
        var report = Directory.CreateDirectory(temp.File("report")).FullName;
        var cover = Directory.CreateDirectory(temp.File("cover")).FullName;
        foreach (var (directory, formats) in new[]
        {
            (test, new[] { "lcov", "cobertura", "junit" }), (report, new[] { "lcov", "cobertura", "json", "markdown" }), (cover, new[] { "lcov", "cobertura" }),
        })
        {
            foreach (var format in formats)
            {
                using var file = File.Create(Path.Combine(directory, ReportWriters.FileName(format)));
                ReportWriters.Write(format, data, "t", file);
            }
        }
        File.WriteAllText(Path.Combine(test, "results.json"), """{"schemaVersion":1,"harness":"1","finished":"2026-01-01T00:00:00+00:00","seconds":1,"machine":"m","cores":1,"listed":0,"tests":[]}""");
        WriteText(temp.Path, "notes.txt", "not a report");

        var inputs = ReportInputs.Expand(temp.Path);

        Assert.Equal(
            [(Path.Combine(cover, "lcov.info"), false), (Path.Combine(report, "harness-report.json"), false), (Path.Combine(test, "lcov.info"), false),
                (Path.Combine(test, "results.json"), true)],
            inputs.Select(i => (i.Path, i.TestsOnly)));
        // Each directory's coverage counted once: every line's hits are three times the sample's, not six or more.
        var merged = ReportData.Merge(inputs.Select(i => ReportInputs.Read(i)));
        Assert.Equal(
            CoverageMerge.Merge([data.Coverage]).Files.SelectMany(f => f.Lines.Select(l => (f.Path, l.Line, 3 * l.Hits))),
            merged.Coverage.Files.SelectMany(f => f.Lines.Select(l => (f.Path, l.Line, l.Hits))));
    }

    [Fact]
    public void Read_ResultsWithPerTestCoverage_KeepsTestsPerLineAndCountsHitsOnlyWithoutACoverageFile()
    {
        using var temp = new TempDirectory("results-per-test");
        var results = WriteText(temp.Path, "results.json", """
            {"schemaVersion":1,"harness":"1","finished":"2026-01-01T00:00:00+00:00","seconds":1,"machine":"m","cores":1,"listed":2,
             "tests":[{"fullyQualifiedName":"s.b.adds","displayName":"adds","suite":"s","binaryId":"b","binary":"/b","outcome":"passed","flaky":false,"attempts":1,
                       "seconds":0.1,"started":"2026-01-01T00:00:00+00:00","standardOutput":"","standardError":""}],
             "testsByLine":{"/src/lib.rs":{"3":["s.b.adds","s.b.subs"],"4":["s.b.adds"]}}}
            """);

        var alone = ReportInputs.Read(new InputFile(results));
        var besideCoverage = ReportInputs.Read(new InputFile(results, TestsOnly: true));

        Assert.Equal("s.b.adds", Assert.Single(alone.Tests).FullyQualifiedName);
        var lines = Assert.Single(alone.Coverage.Files).Lines;
        Assert.Equal([(3, 1L, "s.b.adds s.b.subs"), (4, 1L, "s.b.adds")], lines.Select(l => (l.Line, l.Hits, string.Join(' ', l.Tests!))));
        Assert.All(Assert.Single(besideCoverage.Coverage.Files).Lines, l => Assert.Equal(0, l.Hits));
    }
}
