using Harness.Collector;
using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Reporters.Coverage;
using Harness.TestAdapter;

namespace Harness.Adapters.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void Parse_HarnessSection_ReadsEveryElement()
    {
        var settings = HarnessSettings.Parse("""
            <RunSettings><Harness>
              <Jobs>3</Jobs><Timeout>2.5</Timeout><Retries>2</Retries><Coverage>true</Coverage>
              <Include>src/**;lib/*.c</Include><Exclude>**/gen/**</Exclude><RunIgnored>true</RunIgnored>
            </Harness></RunSettings>
            """);
        Assert.Equal((3, TimeSpan.FromSeconds(2.5), 2, true, true), (settings.Jobs, settings.Timeout, settings.Retries, settings.Coverage, settings.RunIgnored));
        Assert.Equal(["src/**", "lib/*.c"], settings.Includes);
        Assert.Equal(["**/gen/**"], settings.Excludes);
    }

    [Fact]
    public void Parse_NoSection_ReturnsDefaults() => Assert.Same(HarnessSettings.Default, HarnessSettings.Parse("<RunSettings><RunConfiguration /></RunSettings>"));

    [Theory]
    [InlineData("<Jobs>0</Jobs>")]
    [InlineData("<Retries>many</Retries>")]
    [InlineData("<Timeout>-1</Timeout>")]
    public void Parse_BadValue_ThrowsFormatException(string element) =>
        Assert.Throws<FormatException>(() => HarnessSettings.Parse($"<RunSettings><Harness>{element}</Harness></RunSettings>"));

    [Fact]
    public void Read_ManifestLine_KeepsEveryField()
    {
        var suite = Assert.Single(SuiteManifest.Read(
            ["""{"path":"/x/rust","kind":"Cargo","timeout":"1.5","workingDirectory":"/w","environment":"A=1;B=x=y","filter":"!a;!b","buildEnvironment":"CARGO_TARGET_DIR=/t"}""", ""],
            "m.harness.jsonl"));
        Assert.Equal("/x/rust", suite.Path);
        Assert.Equal(SuiteKind.Cargo, suite.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1.5), suite.Timeout);
        Assert.Equal("/w", suite.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" }, suite.Environment);
        Assert.Equal(["!a", "!b"], suite.Filters);
        Assert.Equal("/t", suite.BuildEnvironment["CARGO_TARGET_DIR"]);
    }

    [Fact]
    public void Read_MalformedLine_ThrowsWithFileAndLine()
    {
        var error = Assert.Throws<InvalidDataException>(() => SuiteManifest.Read(["{\"path\":\"/a\"}", "{not json"], "m.harness.jsonl"));
        Assert.StartsWith("m.harness.jsonl:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_TwoSourcesCoberturaFiles_UnionsLinesAndAddsHits()
    {
        using var directory = new TempDirectory("merge");
        var a = new CoverageReport([new FileCoverage("/src/a.c", "liba.so", [new(1, 1), new(2, 0)], [new("f", 1, 2, 1)])], DateTimeOffset.UnixEpoch);
        var b = new CoverageReport(
            [
                new FileCoverage("/src/a.c", "liba.so", [new(1, 0), new(2, 1)], [new("f", 1, 2, 0)]),
                new FileCoverage("/src/b.c", "libb.so", [new(5, 0)], []),
            ],
            DateTimeOffset.UnixEpoch);
        string[] inputs = [directory.File("a.xml"), directory.File("b.xml")];
        foreach (var (report, path) in new[] { a, b }.Zip(inputs))
        {
            using var file = File.Create(path);
            new CoberturaWriter().Write(report, file);
        }

        CoberturaMerger.Merge(inputs, directory.File("merged.xml"));

        var merged = CoberturaMerger.Read(directory.File("merged.xml"));
        Assert.Equal(["/src/a.c", "/src/b.c"], merged.Files.Select(f => f.Path));
        Assert.Equal([new LineCoverage(1, 1), new LineCoverage(2, 1)], merged.Files[0].Lines);
        Assert.Equal(2, merged.LinesCovered);
        Assert.Equal(3, merged.LinesValid);
    }
}
