using System.Text.RegularExpressions;
using System.Xml.Linq;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness report</c> as CI runs it: shards of <c>harness test --coverage</c> merged equal the unsharded run,
/// its totals are the ones lcov counts, thresholds and bad inputs give the documented exit codes, and hostile
/// inputs write nothing outside <c>--out</c>.
/// </summary>
public sealed partial class ReportCommandTests
{
    private static readonly string BuildDirectory = Fixtures.CMake("cpp-gtest", CFlavour.O0).BuildDirectory;

    [Fact]
    public void Report_TwoCoverageShards_EqualTheUnshardedRunAndLcovCountsTheSameTotals()
    {
        using var temp = new TempDirectory("report-shards");
        string Test(string name, params string[] options)
        {
            var output = temp.File(name);
            var run = HarnessReport.Run(["test", BuildDirectory, "--coverage", "--out", output, .. options]);
            Assert.True(run.ExitCode is 0 or 1, run.StandardError);
            return output;
        }
        var whole = Test("whole");
        var first = Test("shard1", "--partition", "slice:1/2");
        var second = Test("shard2", "--partition", "slice:2/2");

        var merged = temp.File("merged");
        var report = HarnessReport.Run("report", first, second, "--out", merged, "--formats", "lcov,junit,json");

        Assert.True(report.ExitCode == 0, report.StandardError);
        Assert.Equal(CoveredLines(Path.Combine(whole, "lcov.info")), CoveredLines(Path.Combine(merged, "lcov.info")));
        var totals = HarnessReport.Totals(report);
        var lcov = ProcessRunner.Run("lcov", ["--summary", Path.Combine(merged, "lcov.info")]).EnsureSuccess("lcov --summary");
        Assert.Matches($@"lines\.+: [\d.]+% \({totals.LinesCovered} of {totals.LinesValid} lines\)", lcov.StandardOutput + lcov.StandardError);
        var wholeJunit = XDocument.Load(Path.Combine(whole, "junit.xml")).Root!;
        var mergedJunit = XDocument.Load(Path.Combine(merged, "junit.xml")).Root!;
        Assert.Equal(Cases(wholeJunit), Cases(mergedJunit));
        Assert.Equal((string?)wholeJunit.Attribute("failures"), (string?)mergedJunit.Attribute("failures"));
        Assert.Equal(Cases(wholeJunit).Count, totals.Tests);
    }

    [Fact]
    public void Report_BelowFailUnderLines_WritesEveryReportThenExits3()
    {
        using var temp = new TempDirectory("report-threshold");
        var lcov = Write(temp, "a.info", "TN:\nSF:/src/a.c\nDA:1,1\nDA:2,0\nend_of_record\n");
        var output = temp.File("out");

        var below = HarnessReport.Run("report", lcov, "--out", output, "--formats", "lcov,markdown,json,cobertura,junit", "--fail-under-lines", "50.1");
        var at = HarnessReport.Run("report", lcov, "--out", temp.File("out2"), "--formats", "lcov", "--fail-under-lines", "50");

        Assert.Equal(3, below.ExitCode);
        Assert.Contains("line coverage 50.0% is below 50.1%", below.StandardError, StringComparison.Ordinal);
        Assert.Equal(["coverage.cobertura.xml", "harness-report.json", "junit.xml", "lcov.info", "summary.md"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.Equal(0, at.ExitCode);
    }

    [Fact]
    public void Report_OneBrokenInput_ReportsTheOthersUnlessStrict()
    {
        using var temp = new TempDirectory("report-broken");
        var good = Write(temp, "good.info", "TN:\nSF:/src/a.c\nDA:1,1\nend_of_record\n");
        var broken = Write(temp, "broken.xml", "<?xml version=\"1.0\"?>\n<coverage><packages>");

        var lenient = HarnessReport.Run("report", good, broken, "--out", temp.File("lenient"), "--formats", "lcov");
        var strict = HarnessReport.Run("report", good, broken, "--out", temp.File("strict"), "--formats", "lcov", "--strict");

        Assert.Equal(0, lenient.ExitCode);
        Assert.Contains($"harness: warning: {broken}: ", lenient.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, HarnessReport.Totals(lenient).LinesValid);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains($"harness: {broken}: ", strict.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("strict")));
    }

    [Theory]
    [InlineData("--formats", "pdf")]
    [InlineData("--fail-under-lines", "120")]
    [InlineData("--fail-under-branches", "many")]
    [InlineData("--path-map", "no-equals-sign")]
    public void Report_BadUsage_Exits2WithoutWriting(string option, string value)
    {
        using var temp = new TempDirectory("report-usage");
        var lcov = Write(temp, "a.info", "TN:\nSF:/src/a.c\nDA:1,1\nend_of_record\n");

        var result = HarnessReport.Run("report", lcov, "--out", temp.File("out"), option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(value, result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void Report_MissingInput_Exits2()
    {
        using var temp = new TempDirectory("report-missing");

        var result = HarnessReport.Run("report", temp.File("nope.info"), "--out", temp.File("out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope.info: no such file or directory", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_HostilePathsInInputs_AreEscapedAndWriteNothingOutsideOut()
    {
        using var temp = new TempDirectory("report-hostile");
        var inputs = Directory.CreateDirectory(temp.File("inputs")).FullName;
        Write(temp, "inputs/x.info", "TN:\nSF:../../../escape/<script>alert(1)</script>.c\nDA:1,1\nend_of_record\n");
        Write(temp, "inputs/y.xml", """
            <?xml version="1.0"?>
            <coverage><sources><source>/tmp/../..</source></sources><packages><package name="&lt;img src=x onerror=alert(2)&gt;"><classes>
            <class name="../../evil" filename="../../../evil&quot;&gt;&lt;script&gt;.c"><methods/><lines><line number="1" hits="0"/></lines></class>
            </classes></package></packages></coverage>
            """);
        var output = temp.File("out");
        var before = Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Order().ToList();

        var result = HarnessReport.Run("report", inputs, "--out", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var after = Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories).Order().ToList();
        Assert.Equal(before, after.Where(p => !p.StartsWith(output, StringComparison.Ordinal)));
        foreach (var file in Directory.GetFiles(output, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".html", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(ScriptOrHandler(), text.Replace("<script type=\"text/javascript\" src=\"", "", StringComparison.Ordinal).Replace("<script type=\"text/javascript\">", "", StringComparison.Ordinal));
        }
        // Markdown renderers show code spans literally: the paths may keep their '<' there, and only there.
        var markdown = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Equal(Regex.Count(markdown, "<script>"), Regex.Count(markdown, "`[^`\n]*<script>[^`\n]*`"));
    }

    private static string Write(TempDirectory temp, string name, string text)
    {
        var path = temp.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    private static SortedSet<string> CoveredLines(string lcov)
    {
        var covered = new SortedSet<string>(StringComparer.Ordinal);
        var file = "";
        foreach (var line in File.ReadLines(lcov))
        {
            if (line.StartsWith("SF:", StringComparison.Ordinal))
            {
                file = line[3..];
            }
            else if (line.StartsWith("DA:", StringComparison.Ordinal))
            {
                var fields = line[3..].Split(',');
                covered.Add($"{file}:{fields[0]}:{(fields[1] == "0" ? "miss" : "hit")}");
            }
        }
        return covered;
    }

    private static List<string> Cases(XElement junit) =>
        [.. junit.Descendants("testcase").Select(c => $"{(string?)c.Attribute("classname")}.{(string?)c.Attribute("name")}:{c.Elements().FirstOrDefault(e => e.Name != "system-out" && e.Name != "system-err")?.Name.LocalName ?? "passed"}").Order(StringComparer.Ordinal)];

    // A tag or event handler that came from an input rather than from the report's own page template.
    [GeneratedRegex(@"<script>alert|<img src=x|<script&gt;|""><script")]
    private static partial Regex ScriptOrHandler();
}
