using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Harness.Core.Coverage;
using Harness.Reporters.Coverage;
using Harness.Reporters.Tests.Support;

namespace Harness.Reporters.Tests;

public partial class CoberturaWriterTests
{
    [Fact]
    public void Write_SampleReport_RootAttributesMatchModel()
    {
        using var temp = new TempDirectory("cobertura-root");
        var report = SampleReport.Create(temp.File("src"));

        var root = Parse(new CoberturaWriter(), report).Root!;

        Assert.Equal("coverage", root.Name.LocalName);
        Assert.Equal("0.5625", (string?)root.Attribute("line-rate"));
        Assert.Equal(report.LinesCovered.ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("lines-covered"));
        Assert.Equal(report.LinesValid.ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("lines-valid"));
        Assert.Equal("0", (string?)root.Attribute("branch-rate"));
        Assert.Equal("0", (string?)root.Attribute("branches-covered"));
        Assert.Equal("0", (string?)root.Attribute("branches-valid"));
        Assert.Equal("0", (string?)root.Attribute("complexity"));
        Assert.Equal("1.9", (string?)root.Attribute("version"));
        Assert.Equal(SampleReport.Timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("timestamp"));
        Assert.Equal([temp.File("src")], root.Elements("sources").Elements("source").Select(s => s.Value));
    }

    [Fact]
    public void Write_SampleReport_ClassesMirrorFilesLinesAndFunctions()
    {
        using var temp = new TempDirectory("cobertura-classes");
        var report = SampleReport.Create(temp.File("src"));

        var document = Parse(new CoberturaWriter(), report);

        var source = document.Root!.Element("sources")!.Element("source")!.Value;
        var packages = document.Root.Element("packages")!.Elements("package").ToList();
        Assert.Equal(["calc-tests", "shapes_test"], packages.Select(p => (string?)p.Attribute("name")));
        foreach (var file in report.Files)
        {
            var package = packages.Single(p => (string?)p.Attribute("name") == file.Module);
            var @class = package.Element("classes")!.Elements("class")
                .Single(c => Path.Combine(source, (string)c.Attribute("filename")!) == file.Path);
            var name = (string)@class.Attribute("name")!;
            Assert.DoesNotContain('/', name);
            Assert.DoesNotContain('<', name);
            Assert.DoesNotContain('$', name);
            AssertRate(file.LinesCovered, file.LinesValid, @class);
            Assert.Equal(file.Lines.Select(l => (l.Line, l.Hits)), Lines(@class.Element("lines")!));
            Assert.All(@class.Element("lines")!.Elements("line"), l => Assert.Equal("False", (string?)l.Attribute("branch")));

            var methods = @class.Element("methods")!.Elements("method").ToList();
            Assert.Equal(file.Functions.Select(f => f.Name).Order(StringComparer.Ordinal), methods.Select(m => (string)m.Attribute("name")!).Order(StringComparer.Ordinal));
            foreach (var function in file.Functions)
            {
                var method = methods.Single(m => (string?)m.Attribute("name") == function.Name);
                var expected = function.HasCode ? file.Lines.Where(l => l.Line >= function.Line && l.Line <= function.EndLine).ToList() : [];
                Assert.Equal("", (string?)method.Attribute("signature"));
                Assert.Equal(expected.Select(l => (l.Line, l.Hits)), Lines(method.Element("lines")!));
                if (expected.Count > 0)
                {
                    AssertRate(expected.Count(l => l.IsCovered), expected.Count, method);
                }
                else
                {
                    Assert.Equal("0", (string?)method.Attribute("line-rate"));
                }
            }
        }
        Assert.Equal(report.Files.Count, packages.SelectMany(p => p.Descendants("class")).Count());
    }

    [Fact]
    public void Write_HostileStrings_RoundTripEscaped()
    {
        var hostile = "<script>alert(1)</script>&amp;\"'";
        var path = $"/src/{hostile}/a\tb\nc.c";
        var report = new CoverageReport(
            [new FileCoverage(path, $"mod{hostile}", [new(1, 1)], [new($"f{hostile}<u64, u32>", 1, 1, 1)])],
            SampleReport.Timestamp);

        var bytes = CoverageFile.Bytes(new CoberturaWriter(), report);
        var text = Encoding.UTF8.GetString(bytes);
        var document = XDocument.Parse(text);

        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        var source = document.Root!.Element("sources")!.Element("source")!.Value;
        var package = document.Root.Descendants("package").Single();
        var @class = package.Descendants("class").Single();
        Assert.Equal($"mod{hostile}", (string?)package.Attribute("name"));
        Assert.Equal(path, $"{source}/{(string?)@class.Attribute("filename")}");
        Assert.Equal($"f{hostile}<u64, u32>", (string?)@class.Descendants("method").Single().Attribute("name"));
    }

    [Fact]
    public void Write_CharactersXmlCannotHold_ReplacedNotThrown()
    {
        var name = "f\u0001\u0000g\uD800h\uFFFEi\uD83D\uDE00";
        var report = new CoverageReport(
            [new FileCoverage("/src/bad\u001B.c", "m\u0008", [new(1, 0)], [new(name, 1, 1, 0)])],
            SampleReport.Timestamp);

        var document = Parse(new CoberturaWriter(), report);

        Assert.Equal("f\uFFFD\uFFFDg\uFFFDh\uFFFDi\uD83D\uDE00", (string?)document.Descendants("method").Single().Attribute("name"));
        Assert.Equal("m\uFFFD", (string?)document.Descendants("package").Single().Attribute("name"));
        Assert.Equal("bad\uFFFD.c", (string?)document.Descendants("class").Single().Attribute("filename"));
    }

    [Fact]
    public void Write_EmptyReport_WritesValidEmptyDocument()
    {
        var document = Parse(new CoberturaWriter(), new CoverageReport([], SampleReport.Timestamp));

        var root = document.Root!;
        // No executable lines is no data: "0" with lines-valid="0", never a "1" that reads as full coverage.
        Assert.Equal("0", (string?)root.Attribute("line-rate"));
        Assert.Equal("0", (string?)root.Attribute("lines-valid"));
        Assert.Equal("0", (string?)root.Attribute("lines-covered"));
        Assert.Equal("/", root.Element("sources")!.Element("source")!.Value);
        Assert.Empty(root.Element("packages")!.Elements());
    }

    [Fact]
    public void Write_SampleReport_DeterministicUtf8WithoutBom()
    {
        using var temp = new TempDirectory("cobertura-bytes");
        var report = SampleReport.Create(temp.File("src"));
        var reversed = report with { Files = report.Files.Reverse().ToList() };

        var bytes = CoverageFile.Bytes(new CoberturaWriter(), report);
        var text = Encoding.UTF8.GetString(bytes);

        Assert.Equal(bytes, CoverageFile.Bytes(new CoberturaWriter(), reversed));
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no byte-order mark");
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<coverage ", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("</coverage>\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CommaDecimalCulture_RatesUseInvariantDot()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            var report = new CoverageReport([new FileCoverage("/a.c", "m", [new(1, 1), new(2, 0), new(3, 0)], [])], SampleReport.Timestamp);

            Assert.Equal("0.3333", (string?)Parse(new CoberturaWriter(), report).Root!.Attribute("line-rate"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(0, 0, "0")]
    [InlineData(0, 7, "0")]
    [InlineData(7, 7, "1")]
    [InlineData(1, 2, "0.5")]
    [InlineData(1, 3, "0.3333")]
    [InlineData(2, 3, "0.6667")]
    [InlineData(19999, 20000, "0.9999")]
    [InlineData(1, 20000, "0.0001")]
    public void Rate_CoveredOverValid_FourDecimalsNeverFalselyWhole(int covered, int valid, string expected) =>
        Assert.Equal(expected, CoberturaWriter.Rate(covered, valid));

    [Fact]
    public void Write_FileWithoutLines_ClassAndPackageRateZero()
    {
        var report = new CoverageReport([new FileCoverage("/src/a.c", "m", [], [new("f", 1, 1, 0, HasCode: false)])], SampleReport.Timestamp);

        var document = Parse(new CoberturaWriter(), report);

        Assert.Equal("0", (string?)document.Descendants("class").Single().Attribute("line-rate"));
        Assert.Equal("0", (string?)document.Descendants("package").Single().Attribute("line-rate"));
        Assert.Equal("0", (string?)document.Root!.Attribute("line-rate"));
    }

    /// <summary>
    /// The size of a 20k-line Rust binary's report, twice over (40k lines, 40k one-line functions): a writer that
    /// scans a file's lines once per function does 1.6e9 comparisons here (many seconds; 0.7 s on the real binary),
    /// a linear one takes well under a second even on a loaded machine.
    /// </summary>
    [Fact]
    public void Write_ManyFunctionsInOneFile_LinearNotLinesTimesFunctions()
    {
        const int count = 40_000;
        var lines = Enumerable.Range(1, count).Select(l => new LineCoverage(l, l % 3 == 0 ? 1 : 0)).ToList();
        var functions = Enumerable.Range(1, count).Select(l => new FunctionCoverage($"f{l}", l, l, l % 3 == 0 ? 1 : 0)).ToList();
        var report = new CoverageReport([new FileCoverage("/src/big.rs", "big", lines, functions)], SampleReport.Timestamp);
        new CoberturaWriter().Write(new CoverageReport([new FileCoverage("/src/small.rs", "s", lines[..10], functions[..10])], SampleReport.Timestamp), Stream.Null);

        // CPU time, not wall time: on a machine shared by other builds the wall clock says more about them than about us.
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var bytes = CoverageFile.Bytes(new CoberturaWriter(), report);
        self.Refresh();
        var elapsed = self.TotalProcessorTime - cpu;

        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"writing took {elapsed.TotalSeconds:F2} s of CPU");
        using var stream = new MemoryStream(bytes);
        var methods = XDocument.Load(stream).Descendants("method").ToList();
        Assert.Equal(count, methods.Count);
        Assert.All(methods, m => Assert.Equal(((string)m.Attribute("name")!)[1..], (string?)m.Element("lines")!.Elements("line").Single().Attribute("number")));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 5, 8 }, 0, 0, new int[0])]
    [InlineData(new[] { 1, 2, 3, 5, 8 }, 4, 4, new int[0])]
    [InlineData(new[] { 1, 2, 3, 5, 8 }, 2, 5, new[] { 2, 3, 5 })]
    [InlineData(new[] { 1, 2, 3, 5, 8 }, 4, 8, new[] { 5, 8 })]
    [InlineData(new[] { 1, 2, 3, 5, 8 }, 1, 100, new[] { 1, 2, 3, 5, 8 })]
    [InlineData(new[] { 1, 2, 3, 5, 8 }, 9, 100, new int[0])]
    [InlineData(new int[0], 1, 100, new int[0])]
    public void LinesBetween_SortedLines_ExactlyTheRange(int[] numbers, int first, int last, int[] expected)
    {
        var lines = numbers.Select(n => new LineCoverage(n, 0)).ToList();

        Assert.Equal(expected, CoberturaWriter.LinesBetween(lines, first, last).Select(l => l.Line));
    }

    [Theory]
    [InlineData(new[] { "/a/b/c.rs" }, "/a/b")]
    [InlineData(new[] { "/x.rs" }, "/")]
    [InlineData(new[] { "/a/b/x.rs", "/a/c/y.rs" }, "/a")]
    [InlineData(new[] { "/a/bc/x.rs", "/a/b/y.rs" }, "/a")]
    [InlineData(new[] { "/a/x.rs", "/b/y.rs" }, "/")]
    [InlineData(new[] { "src/a.rs", "src/b.rs" }, "src")]
    [InlineData(new[] { "a.rs", "src/b.rs" }, ".")]
    [InlineData(new string[0], "/")]
    public void SourceRoot_Paths_DeepestCommonDirectory(string[] paths, string expected)
    {
        var root = CoberturaWriter.SourceRoot(paths);

        Assert.Equal(expected, root);
        Assert.All(paths, p => Assert.Equal(p, Path.Combine(root, CoberturaWriter.RelativePath(p, root)).Replace("./", "", StringComparison.Ordinal)));
    }

    private static XDocument Parse(ICoverageWriter writer, CoverageReport report)
    {
        using var stream = new MemoryStream(CoverageFile.Bytes(writer, report));
        return XDocument.Load(stream);
    }

    private static IEnumerable<(int Line, long Hits)> Lines(XElement lines) =>
        lines.Elements("line").Select(l => (int.Parse((string)l.Attribute("number")!, CultureInfo.InvariantCulture), long.Parse((string)l.Attribute("hits")!, CultureInfo.InvariantCulture))).ToList();

    private static void AssertRate(int covered, int valid, XElement element)
    {
        var text = (string)element.Attribute("line-rate")!;
        Assert.Matches(RatePattern(), text);
        Assert.Equal(Math.Round((double)covered / valid, 4), double.Parse(text, CultureInfo.InvariantCulture), 4);
    }

    [GeneratedRegex(@"^(0|1|0\.\d{1,4})$")]
    private static partial Regex RatePattern();
}
