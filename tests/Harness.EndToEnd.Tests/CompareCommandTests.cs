using System.Text.Json;
using System.Xml.Linq;
using Harness.Core.History;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness test --repeat</c> into a history, then <c>harness compare</c>, as a user runs them: real processes,
/// real clocks, on a machine other builds are loading. The c-timing fixture's <c>sleep_300ms</c> is made 30%
/// slower through its environment in one run; the other runs change nothing.
/// </summary>
public sealed class CompareCommandTests(CompareCommandTests.History history) : IClassFixture<CompareCommandTests.History>
{
    private const string Slowed = "harness_c_timing.sleep_300ms";

    [Fact]
    public void Compare_UnchangedSuiteRunTwice_NoRegressionExit0()
    {
        var (result, report) = Compare("--baseline", history.Baseline.ToString(), "--current", history.Unchanged.ToString());

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Equal(3, report.Count);
        Assert.All(report.Values, test => Assert.NotEqual("slower", test.GetProperty("verdict").GetString()));
        Assert.All(report.Values, test => Assert.Equal(10, test.GetProperty("currentSamples").GetArrayLength()));
    }

    [Fact]
    public void Compare_TestMadeThirtyPercentSlower_FlaggedSlowerWithIntervalExit4()
    {
        var (result, report) = Compare("--baseline", history.Unchanged.ToString(), "--current", history.Slower.ToString());

        Assert.True(result.ExitCode == 4, result.StandardOutput + result.StandardError);
        var slowed = report[Slowed];
        Assert.Equal("slower", slowed.GetProperty("verdict").GetString());
        // 300 ms → 390 ms of sleep plus the same process start-up: between +15% and +40% end to end.
        Assert.InRange(slowed.GetProperty("ratio").GetDouble(), 1.15, 1.40);
        Assert.True(slowed.GetProperty("ratioLow").GetDouble() > 1.05);
        Assert.All(report.Where(t => t.Key != Slowed).Select(t => t.Value), test => Assert.NotEqual("slower", test.GetProperty("verdict").GetString()));
        Assert.Equal(Slowed, report.Keys.First()); // worst first
    }

    [Fact]
    public void Compare_DefaultSides_LatestRunAgainstTheOneBeforeInTheConsoleTable()
    {
        var result = Harness(history.Directory.Path, "compare");

        Assert.True(result.ExitCode == 4, result.StandardOutput + result.StandardError);
        Assert.Contains($"run {history.Unchanged} (", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"run {history.Slower} (", result.StandardOutput, StringComparison.Ordinal);
        var slowedLine = Assert.Single(result.StandardOutput.Split('\n'), l => l.Contains(Slowed, StringComparison.Ordinal));
        Assert.Contains("slower", slowedLine, StringComparison.Ordinal);
        Assert.Contains("1 slower", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_OwnJUnitAsBaselineAndResultsJsonAsCurrent_SameVerdictsWithoutHistory()
    {
        using var elsewhere = new TempDirectory("compare-files");
        // junit.xml holds one duration per test (the last run's): a reference value for a sign test over the 10 current samples.
        var result = Harness(elsewhere.Path, "compare", "--baseline", Path.Combine(history.Directory.Path, "out-unchanged", "junit.xml"),
            "--current", Path.Combine(history.Directory.Path, "out-slower", "results.json"), "--format", "markdown");

        Assert.Contains($"| `{Slowed}` |", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("| missing |", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("| new |", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 → 10", result.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(elsewhere.Path, ".harness", "history.db")));
    }

    [Fact]
    public void Compare_CTestCostDataAsBaseline_CTestNamesMatchedToHarnessNames()
    {
        using var build = new TempDirectory("compare-ctest");
        foreach (var file in Directory.EnumerateFiles(history.Build, "CTestTestfile.cmake", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(build.Path, Path.GetRelativePath(history.Build, file)));
        }
        ProcessRunner.Run("ctest", ["--test-dir", build.Path, "--repeat", "until-fail:3"]).EnsureSuccess("ctest on c-timing");
        var costData = Path.Combine(build.Path, "Testing", "Temporary", "CTestCostData.txt");

        var (result, report) = Compare("--baseline", costData, "--current", history.Unchanged.ToString());

        Assert.True(result.ExitCode is 0 or 4, result.StandardOutput + result.StandardError);
        Assert.Equal(["harness_c_timing.sleep_120ms", "harness_c_timing.sleep_300ms", "harness_c_timing.spin_10ms"], report.Keys.Order());
        Assert.All(report.Values, test => Assert.Equal(1, test.GetProperty("baselineSamples").GetArrayLength()));
        Assert.InRange(report[Slowed].GetProperty("baselineMedian").GetDouble(), 0.3, 1.5);
    }

    [Fact]
    public void Compare_HtmlFormat_ParsesAsXmlWithBothDistributionsAndATrendOfEveryRun()
    {
        var html = Path.Combine(history.Directory.Path, "compare.html");
        var result = Harness(history.Directory.Path, "compare", "--format", "html", "--out", html);

        Assert.True(result.ExitCode == 4, result.StandardOutput + result.StandardError);
        var page = XDocument.Load(html);
        XNamespace svg = "http://www.w3.org/2000/svg", xhtml = "http://www.w3.org/1999/xhtml";
        var row = page.Descendants(xhtml + "tr").Single(r => (string?)r.Attribute("data-test") == Slowed);
        var series = row.Descendants(svg + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith("series", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["series baseline", "series current"], series.Select(g => (string)g.Attribute("class")!));
        Assert.All(series, g => Assert.Equal(10, g.Elements(svg + "circle").Count()));
        var trend = row.Descendants(svg + "polyline").Single(p => (string?)p.Attribute("class") == "series trend");
        Assert.Equal("3", (string?)trend.Attribute("data-count"));
        Assert.Equal(3, ((string)trend.Attribute("points")!).Split(' ').Length);
        Assert.Equal("slower", row.Elements(xhtml + "td").ElementAt(1).Value);
    }

    [Fact]
    public async Task Test_TwoRunsAtOnceIntoOneHistory_BothRecordedCompletely()
    {
        using var directory = new TempDirectory("history-concurrent");
        var runs = Enumerable.Range(0, 2).Select(i => Task.Run(() =>
            Harness(directory.Path, "test", history.Build, "--filter", "!*sleep_300ms", "--repeat", "4", "--jobs", "1", "--out", $"out{i}"))).ToArray();
        var results = await Task.WhenAll(runs);

        Assert.All(results, run => Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError));
        using var store = SqliteHistoryStore.Open(Path.Combine(directory.Path, ".harness", "history.db"));
        var recorded = store.Latest(10);
        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, run =>
        {
            var samples = store.Samples(run.Id);
            Assert.Equal(8, samples.Count);
            Assert.Equal(4, run.Repeat);
            Assert.All(samples.GroupBy(s => s.Test), test => Assert.Equal([0, 1, 2, 3], test.Select(s => s.Iteration)));
        });
    }

    [Fact]
    public void Test_NoHistory_NothingRecorded()
    {
        using var directory = new TempDirectory("history-off");
        var result = Harness(directory.Path, "test", history.Build, "--filter", "*spin*", "--no-history", "--out", "out");
        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.False(Directory.Exists(Path.Combine(directory.Path, ".harness")));
        Assert.DoesNotContain("timing history", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_NoHistoryOptionOrVariable_HistoryWithTheBuildNothingInTheStartDirectory()
    {
        using var build = new TempDirectory("history-build");
        foreach (var file in Directory.EnumerateFiles(history.Build, "CTestTestfile.cmake", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(build.Path, Path.GetRelativePath(history.Build, file)));
        }
        using var start = new TempDirectory("history-start");
        var withoutVariable = new Dictionary<string, string?> { [HistoryLocation.EnvironmentVariable] = null };

        foreach (var run in new[] { "out1", "out2" })
        {
            var test = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "test", build.Path, "--filter", "*spin*", "--out", Path.Combine(build.Path, run)],
                start.Path, withoutVariable, TimeSpan.FromMinutes(3));
            Assert.True(test.ExitCode == 0, test.StandardOutput + test.StandardError);
            Assert.Contains($"recorded in {Path.Combine(build.Path, "harness", "history.db")}", test.StandardOutput, StringComparison.Ordinal);
        }
        // compare finds the same file from the suite it is given.
        var compare = ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "compare", build.Path], start.Path, withoutVariable, TimeSpan.FromMinutes(3));

        Assert.Empty(Directory.EnumerateFileSystemEntries(start.Path));
        Assert.True(compare.ExitCode is 0 or 4, compare.StandardOutput + compare.StandardError);
        Assert.Contains("run 1 (", compare.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("run 2 (", compare.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_UnknownBaseline_Exit2NamingIt()
    {
        var result = Harness(history.Directory.Path, "compare", "--baseline", "no-such-run");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-run", result.StandardError, StringComparison.Ordinal);
    }

    private (ProcessResult Result, Dictionary<string, JsonElement> Tests) Compare(params string[] arguments)
    {
        var json = Path.Combine(history.Directory.Path, $"compare-{Guid.NewGuid():N}.json");
        var result = Harness(history.Directory.Path, ["compare", .. arguments, "--format", "json", "--out", json]);
        Assert.True(File.Exists(json), result.StandardOutput + result.StandardError);
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var tests = document.RootElement.GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.Clone());
        return (result, tests);
    }

    private static ProcessResult Harness(string workingDirectory, params string[] arguments) =>
        Harness(workingDirectory, null, arguments);

    /// <summary>Runs harness with its history in <c>WORKDIR/.harness/history.db</c> (through HARNESS_HISTORY): the
    /// fixture's build directory, where the history would go by default, is shared by every test run.</summary>
    private static ProcessResult Harness(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], workingDirectory,
            new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { [HistoryLocation.EnvironmentVariable] = Path.Combine(workingDirectory, ".harness", "history.db") },
            TimeSpan.FromMinutes(3));

    /// <summary>
    /// Three recorded runs of the c-timing fixture, 10 measured passes each after one warm-up: a baseline, the same
    /// again, and one with <c>sleep_300ms</c> made 30% slower. Shared by the tests above: recording is the slow part.
    /// </summary>
    public sealed class History : IDisposable
    {
        public History()
        {
            Build = Fixtures.CMake("c-timing", CFlavour.O0).BuildDirectory;
            Baseline = Record("out-baseline", null);
            Unchanged = Record("out-unchanged", null);
            Slower = Record("out-slower", new Dictionary<string, string?> { ["HARNESS_TIMING_SLOWER"] = "sleep_300ms", ["HARNESS_TIMING_FACTOR"] = "1.3" });
        }

        public TempDirectory Directory { get; } = new("compare-history");

        public string Build { get; }

        public long Baseline { get; }

        public long Unchanged { get; }

        public long Slower { get; }

        private long Record(string output, IReadOnlyDictionary<string, string?>? environment)
        {
            var result = Harness(Directory.Path, environment, "test", Build, "--repeat", "10", "--warmup", "1", "--out", output);
            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            var line = Assert.Single(result.StandardOutput.Split('\n'), l => l.StartsWith("harness: timing history: run ", StringComparison.Ordinal));
            return long.Parse(line.Split(' ')[4].TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture);
        }

        public void Dispose() => Directory.Dispose();
    }
}
