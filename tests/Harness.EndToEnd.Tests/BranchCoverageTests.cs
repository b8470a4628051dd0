using System.Text.Json;
using System.Xml.Linq;
using Harness.EndToEnd.Tests.Support;
using Harness.Testing;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness cover --branches</c> as a user runs it: the compiler's own checks left out by the documented rule
/// (README, Branches) unless <c>--all-branches</c>, and the branch arms carried into every report format.
/// </summary>
public sealed class BranchCoverageTests
{
    [Fact]
    public void CoverBranches_RustCrate_RuntimeChecksLeftOutUnlessAllBranches()
    {
        var rust = Fixtures.Rust(RustFlavour.Default);
        var binary = rust.UnitTestBinary("calc");
        var arith = Path.Combine(rust.SourceDirectory, "calc", "src", "arith.rs");
        var source = SourceFile.Read(arith);
        using var directory = new TempDirectory("branches-rust");

        // The fixture's one deliberately failing test would make the run exit 101.
        var written = HarnessCover.Run(directory.File("written"), ["--branches"], binary, "--skip", "deliberately");
        var all = HarnessCover.Run(directory.File("all"), ["--all-branches"], binary, "--skip", "deliberately");

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.True(all.ExitCode == 0, all.ToString());
        var writtenArms = Assert.Single(LcovFile.Read(written.LcovPath), r => r.Path == arith).Branches;
        var allArms = Assert.Single(LcovFile.Read(all.LcovPath), r => r.Path == arith).Branches;
        // `a / b` after the user's own zero test: only rustc's division-by-zero and overflow checks branch there.
        var division = source.LineOf("a / b");
        var remainder = source.LineOf("let t = a % b;");
        var zeroTest = source.LineOf("if b == 0 {");
        Assert.True(allArms.ContainsKey(division) && allArms.ContainsKey(remainder), "--all-branches keeps the compiler's checks");
        Assert.False(writtenArms.ContainsKey(division), "--branches left rustc's checks of a / b in");
        Assert.False(writtenArms.ContainsKey(remainder), "--branches left rustc's check of a % b in");
        Assert.True(writtenArms.ContainsKey(zeroTest), "the source's own if is a branch");
        // Leaving a branch point out never changes another: what --branches keeps, --all-branches has the same.
        foreach (var (line, arms) in writtenArms)
        {
            Assert.True(allArms.TryGetValue(line, out var kept) && kept.Count >= arms.Count, $"line {line}: fewer arms with --all-branches");
        }
    }

    [Fact]
    public void CoverBranches_CProgram_ArmsInEveryReportFormat()
    {
        using var directory = new TempDirectory("branches-formats");
        var run = HarnessCover.Run(directory.File("cover"), ["--branches"], CTrace.Program("coverage_oracle"), "alpha", "42");
        Assert.True(run.ExitCode == 0, run.ToString());
        var lcov = LcovFile.Read(run.LcovPath);
        var arms = lcov.Sum(r => r.Branches.Values.Sum(b => b.Count));
        var taken = lcov.Sum(r => r.Branches.Values.Sum(b => b.Values.Count(t => t > 0)));
        Assert.True(arms >= 20 && taken > 0 && taken < arms, $"{taken}/{arms} arms taken");

        var cobertura = XDocument.Load(run.CoberturaPath);
        Assert.Equal(arms.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)cobertura.Root!.Attribute("branches-valid"));
        var branchLines = cobertura.Descendants("line").Where(l => (string?)l.Attribute("branch") == "True").ToList();
        Assert.NotEmpty(branchLines);
        Assert.All(branchLines, line => Assert.NotEmpty(line.Element("conditions")!.Elements("condition")));

        var report = directory.File("report");
        var result = HarnessReport.Run("report", run.LcovPath, "--out", report, "--formats", "json,markdown,html");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((taken, arms), (HarnessReport.Totals(result).BranchesCovered, HarnessReport.Totals(result).BranchesValid));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "harness-report.json")));
        var jsonArms = json.RootElement.GetProperty("files").EnumerateArray()
            .SelectMany(f => f.GetProperty("lines").EnumerateArray())
            .Sum(l => l.TryGetProperty("branches", out var b) && b.ValueKind == JsonValueKind.Array ? b.GetArrayLength() : 0);
        Assert.Equal(arms, jsonArms);
        Assert.Contains("| Branches |", File.ReadAllText(Path.Combine(report, "summary.md")), StringComparison.Ordinal);
        var html = string.Concat(Directory.GetFiles(Path.Combine(report, "html"), "*.html").Select(File.ReadAllText));
        Assert.Contains($"branches {taken} of {arms} taken", html, StringComparison.Ordinal);
    }
}
