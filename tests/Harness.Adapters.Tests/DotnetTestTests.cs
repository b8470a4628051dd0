using System.Xml.Linq;
using Harness.Core.Suites;

namespace Harness.Adapters.Tests;

/// <summary>
/// Real <c>dotnet test</c> runs over fixtures/dotnet, checked against the engine's own listing of the same
/// suites (which the engine's tests check against the frameworks' <c>--list</c>).
/// </summary>
[Collection(DotnetTestCollection.Name)]
public sealed class DotnetTestTests(DotnetTestFixture fixture)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    [Fact]
    public void DotnetTest_FixtureFolder_RunsEveryListedTestWithItsOutcome()
    {
        var run = fixture.Full;
        Assert.True(run.Process.ExitCode == 0, run.Output);

        var results = NativeTrxResults(run);
        var expected = fixture.Expected.ToDictionary(t => t.FullyQualifiedName, t => t.IsIgnored ? "NotExecuted" : "Passed");
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), results.OrderBy(p => p.Key, StringComparer.Ordinal));
        // The P/Invoke project ran in the same `dotnet test` of the folder.
        Assert.Contains("Calc.Interop.Tests.dll", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DotnetTest_JUnitLogger_ListsEveryTestWithFileAndLine()
    {
        var junit = XDocument.Load(Assert.Single(fixture.Full.Files("Native.Tests.junit.xml")));
        var cases = junit.Descendants("testcase").ToList();
        Assert.Equal(fixture.Expected.Count, cases.Count);
        foreach (var test in fixture.Expected)
        {
            // The logger splits dotted names into class and method (or keeps a name it cannot split whole).
            var match = cases.Where(c => $"{c.Attribute("classname")?.Value}.{c.Attribute("name")?.Value}" == test.FullyQualifiedName
                || c.Attribute("name")?.Value == test.FullyQualifiedName).ToList();
            var testCase = Assert.Single(match);
            Assert.Equal(test.SourceFile, testCase.Attribute("file")?.Value);
            Assert.Equal(test.SourceLine?.ToString(System.Globalization.CultureInfo.InvariantCulture), testCase.Attribute("line")?.Value);
        }
    }

    [Fact]
    public void DotnetTest_CollectNativeAndXPlatCoverage_AttachesBothCoberturaFiles()
    {
        var run = fixture.Full;
        var native = XDocument.Load(Assert.Single(run.Files("native.coverage.cobertura.xml"), f => !f.Contains("/In/", StringComparison.Ordinal)));
        var root = native.Root!;
        Assert.Equal("coverage", root.Name.LocalName);
        Assert.True(int.Parse(root.Attribute("lines-covered")!.Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var source = root.Element("sources")!.Element("source")!.Value;
        var files = root.Descendants("class").ToDictionary(c => Path.Combine(source, c.Attribute("filename")!.Value), c => c);
        // Both native suites were traced: the Rust crate and the C++ shared library the gtest binaries call.
        Assert.Contains(files.Keys, f => f.EndsWith("/rust/calc/src/arith.rs", StringComparison.Ordinal));
        Assert.Contains(files.Keys, f => f.EndsWith("/cpp-gtest/src/shapes.cpp", StringComparison.Ordinal));
        Assert.Contains(files.Where(f => f.Key.EndsWith("shapes.cpp", StringComparison.Ordinal)).SelectMany(f => f.Value.Descendants("line")),
            line => line.Attribute("hits")!.Value != "0");

        // coverlet's managed coverage of the P/Invoke wrapper, in the same run: every line its tests reach.
        var managed = run.Files("coverage.cobertura.xml").Where(f => !f.Contains("/In/", StringComparison.Ordinal)).Select(XDocument.Load).ToList();
        var wrapper = Assert.Single(managed.SelectMany(d => d.Descendants("package")), p => p.Attribute("name")?.Value == "Calc.Interop");
        Assert.Equal("1", wrapper.Attribute("line-rate")?.Value);
    }

    [Fact]
    public void HarnessReport_NativeAndCoverletAttachments_MergeIntoOneReportWithBothLanguages()
    {
        var run = fixture.Full;
        var native = Assert.Single(run.Files("native.coverage.cobertura.xml"), f => !f.Contains("/In/", StringComparison.Ordinal));
        var managed = run.Files("coverage.cobertura.xml").Where(f => !f.Contains("/In/", StringComparison.Ordinal) && f != native).ToList();
        Assert.NotEmpty(managed);
        using var output = new TempDirectory("report-mixed");

        var harness = Path.Combine(AppContext.BaseDirectory, "harness.dll");
        var report = ProcessRunner.Run("dotnet", [harness, "report", native, .. managed, "--out", output.Path, "--formats", "html,cobertura"],
            timeout: TimeSpan.FromMinutes(3));

        Assert.True(report.ExitCode == 0, report.StandardOutput + report.StandardError);
        var merged = XDocument.Load(Path.Combine(output.Path, "coverage.cobertura.xml")).Root!;
        var files = merged.Descendants("class").Select(c => c.Attribute("filename")!.Value).ToList();
        Assert.Contains(files, f => f.EndsWith("arith.rs", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("shapes.cpp", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".cs", StringComparison.Ordinal));
        var index = File.ReadAllText(Path.Combine(output.Path, "html", "index.html"));
        Assert.Contains("arith.rs", index, StringComparison.Ordinal);
        Assert.Contains("Calc.Interop", index, StringComparison.Ordinal);
    }

    [Fact]
    public void DotnetTest_NativeCoverageOverTwoSources_AttachesOneMergedCobertura()
    {
        var run = fixture.TwoSources;
        Assert.True(run.Process.ExitCode == 0, run.Output);
        Assert.Equal(2, run.Output.Split("Passed!").Length - 1);
        var attachments = run.Files("native.coverage.cobertura.xml").Where(f => !f.Contains("/In/", StringComparison.Ordinal)).ToList();
        var merged = Harness.Collector.CoberturaMerger.Read(Assert.Single(attachments));
        Assert.Contains(merged.Files, f => f.Path.EndsWith("/rust/calc/src/arith.rs", StringComparison.Ordinal) && f.LinesCovered > 0);
        Assert.Contains(merged.Files, f => f.Path.EndsWith("/cpp-gtest/src/shapes.cpp", StringComparison.Ordinal) && f.LinesCovered > 0);
    }

    [Fact]
    public void DotnetTest_Filter_RunsExactlyTheMatchingTests()
    {
        var run = fixture.Filtered;
        Assert.True(run.Process.ExitCode == 0, run.Output);
        var expected = fixture.Expected
            .Where(t => t.FullyQualifiedName.Contains("rust.calc.test.integration", StringComparison.Ordinal)
                || t.DisplayName == "PassingShapes.TriangleArea"
                || t.Traits.Contains(new Harness.Core.Model.TestTrait("Module", "tests::nested")))
            .Select(t => t.FullyQualifiedName)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(expected.Count >= 6, "the filter should select from every part of it");
        Assert.Equal(expected, NativeTrxResults(run).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DotnetTest_ListTests_EqualsEngineListing()
    {
        var output = fixture.Listed;
        Assert.True(output.ExitCode == 0, output.StandardOutput + output.StandardError);
        var lines = output.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r'));
        var listed = lines.SkipWhile(l => !l.Contains("The following Tests are available:", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.StartsWith("    ", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .Order(StringComparer.Ordinal);
        Assert.Equal(fixture.Expected.Select(t => t.DisplayName).Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public void TestingPlatform_FilteredRun_RunsTheMatchingTestsThroughTheBridge()
    {
        var run = fixture.Platform;
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var expected = fixture.Expected.Count(t => t.FullyQualifiedName.Contains("rust.calc.test.integration", StringComparison.Ordinal));
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(run.StandardOutput, $@"total: {expected}\s+failed: 0\s+succeeded: {expected}"),
            $"expected {expected} tests to run and pass:\n{run.StandardOutput}\n{run.StandardError}");
    }

    /// <summary>FQN (TRX class + "." + name) → outcome, for the Native.Tests results of a run.</summary>
    private static Dictionary<string, string> NativeTrxResults(DotnetRun run)
    {
        var trx = run.Files("*.trx").Select(XDocument.Load)
            .Single(d => d.Descendants(Trx + "TestMethod").Any(m => m.Attribute("adapterTypeName")?.Value == "executor://harness/native"));
        var names = trx.Descendants(Trx + "UnitTest").ToDictionary(
            u => u.Attribute("id")!.Value,
            u => u.Element(Trx + "TestMethod") is { } m ? $"{m.Attribute("className")!.Value}.{m.Attribute("name")!.Value}" : "");
        return trx.Descendants(Trx + "UnitTestResult").ToDictionary(r => names[r.Attribute("testId")!.Value], r => r.Attribute("outcome")!.Value);
    }
}
