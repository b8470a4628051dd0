using Harness.Core.Coverage;
using Harness.Reporters.Coverage;
using Harness.Reporters.Tests.Support;

namespace Harness.Reporters.Tests;

/// <summary>ReportGenerator reads our Cobertura and LCOV files and must count what the model counts.</summary>
public class ReportGeneratorOracleTests
{
    [Fact]
    public void Cobertura_SampleReport_ReportGeneratorSummaryMatchesModel()
    {
        using var temp = new TempDirectory("rg-cobertura");
        var report = SampleReport.Create(temp.File("src"));
        var file = CoverageFile.Write(new CoberturaWriter(), report, temp.Path);

        var summary = ReportGeneratorOracle.Generate(file, temp.File("report"));

        Assert.Equal("Cobertura", summary.Parser);
        Assert.Equal(report.Files.Select(f => f.Module).Distinct().Count(), summary.Assemblies);
        Assert.Equal(report.Files.Count, summary.Files);
        Assert.Equal(report.LinesCovered, summary.CoveredLines);
        Assert.Equal(report.LinesValid, summary.CoverableLines);
        Assert.True(File.Exists(temp.File("report/index.html")), summary.Text);
    }

    [Fact]
    public void Lcov_SampleReport_ReportGeneratorSummaryMatchesModel()
    {
        using var temp = new TempDirectory("rg-lcov");
        var report = SampleReport.Create(temp.File("src"));
        var file = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        var summary = ReportGeneratorOracle.Generate(file, temp.File("report"));

        Assert.Equal("LCov", summary.Parser);
        Assert.Equal(report.Files.Count, summary.Files);
        Assert.Equal(report.LinesCovered, summary.CoveredLines);
        Assert.Equal(report.LinesValid, summary.CoverableLines);
        Assert.True(File.Exists(temp.File("report/index.html")), summary.Text);
    }

    [Fact]
    public void Cobertura_SampleReport_EveryFileKeepsItsPathAndCounts()
    {
        using var temp = new TempDirectory("rg-cobertura-files");
        var report = SampleReport.Create(temp.File("src"));
        var file = CoverageFile.Write(new CoberturaWriter(), report, temp.Path);

        var parsed = ReportGeneratorOracle.Parse(file);

        var files = parsed.Assemblies.SelectMany(a => a.Classes).SelectMany(c => c.Files).ToDictionary(f => f.Path);
        foreach (var expected in report.Files)
        {
            Assert.True(files.TryGetValue(expected.Path, out var actual), $"{expected.Path} missing from: {string.Join(", ", files.Keys)}");
            Assert.Equal(expected.LinesCovered, actual.CoveredLines);
            Assert.Equal(expected.LinesValid, actual.CoverableLines);
        }
        Assert.Equal(report.Files.Count, files.Count);
    }

    [Fact]
    public void Lcov_SampleReport_EveryFunctionIsACodeElementUnderItsWrittenName()
    {
        using var temp = new TempDirectory("rg-lcov-functions");
        var report = SampleReport.Create(temp.File("src"));
        var file = CoverageFile.Write(new LcovWriter(), report, temp.Path);

        var parsed = ReportGeneratorOracle.Parse(file);

        var names = parsed.Assemblies.SelectMany(a => a.Classes).SelectMany(c => c.Files).SelectMany(f => f.CodeElements).Select(e => e.Name).ToHashSet();
        Assert.Equal(SampleReport.FunctionCount(report), names.Count);
        Assert.Contains("core::iter::Iterator::fold<u64; u32>", names);
        Assert.Contains(SampleReport.HostileFunctionName, names);
    }

    [Fact]
    public void Cobertura_EmptyReport_ReportGeneratorAcceptsIt()
    {
        using var temp = new TempDirectory("rg-empty");
        var file = CoverageFile.Write(new CoberturaWriter(), new CoverageReport([], SampleReport.Timestamp), temp.Path);

        var summary = ReportGeneratorOracle.Generate(file, temp.File("report"));

        Assert.Equal(0, summary.CoverableLines);
        Assert.Equal(0, summary.Files);
    }
}
