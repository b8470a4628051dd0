using System.Text.RegularExpressions;
using Harness.EndToEnd.Tests.Support;
using Harness.Testing;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness cover</c> against gcov on the same C program (DESIGN.md §5), over several argument sets. Where
/// both consider a line executable they must agree on whether it ran, in both directions. Lines only one
/// side considers executable are the known systematic differences, and nothing else: gcov counts a
/// function's declaration line and <c>case</c> labels, DWARF has rows for <c>{</c> and <c>}</c> lines, and
/// harness leaves out LCOV_EXCL lines that gcov still counts.
/// </summary>
public sealed partial class GcovOracleTests(OracleRuns oracle) : IClassFixture<OracleRuns>
{
    private SourceFile Source => SourceFile.Read(oracle.Source);

    [Fact]
    public void Cover_CoverageOracle_EveryRunEndsAndPrintsAsNative()
    {
        for (var i = 0; i < oracle.Runs.Count; i++)
        {
            Assert.True(oracle.Runs[i].ExitCode == 0, oracle.Runs[i].ToString());
            Assert.Equal(oracle.NativeOutputs[i], oracle.Runs[i].Process.StandardOutput);
        }
    }

    [Fact]
    public void Cover_CoverageOracle_NoLineGcovSaysUnexecutedIsHit()
    {
        var common = Common();
        var falseHits = common.Where(line => oracle.Gcov[line] == 0 && oracle.Harness[line] > 0).Select(Quote).ToList();

        Assert.True(common.Count(line => oracle.Gcov[line] == 0) >= 5, "too few unexecuted lines in common for the comparison to mean anything");
        Assert.True(falseHits.Count == 0, $"hit by harness, never executed according to gcov:\n{string.Join('\n', falseHits)}");
    }

    [Fact]
    public void Cover_CoverageOracle_NoLineGcovSaysExecutedIsMissed()
    {
        var common = Common();
        var misses = common.Where(line => oracle.Gcov[line] > 0 && oracle.Harness[line] == 0).Select(Quote).ToList();

        Assert.True(common.Count(line => oracle.Gcov[line] > 0) >= 40, "too few executed lines in common for the comparison to mean anything");
        Assert.True(misses.Count == 0, $"executed according to gcov, not hit by harness:\n{string.Join('\n', misses)}");
    }

    [Fact]
    public void Cover_CoverageOracle_OneSidedLinesAreOnlyTheKnownSystematicDifferences()
    {
        var source = Source;
        var excluded = ExcludedLines(source);

        var harnessOnly = oracle.Harness.Keys.Where(line => !oracle.Gcov.ContainsKey(line))
            .Where(line => source[line].Trim() is not ("{" or "}"))
            .Select(Quote).ToList();
        var gcovOnly = oracle.Gcov.Keys.Where(line => !oracle.Harness.ContainsKey(line))
            .Where(line => !excluded.Contains(line) && !IsDeclaration(source, line) && !CaseLabel().IsMatch(source[line]))
            .Select(Quote).ToList();

        Assert.True(harnessOnly.Count == 0, $"executable for harness only, and not a brace line:\n{string.Join('\n', harnessOnly)}");
        Assert.True(gcovOnly.Count == 0, $"executable for gcov only, and not a declaration, case label or LCOV_EXCL line:\n{string.Join('\n', gcovOnly)}");
    }

    [Fact]
    public void Cover_CoverageOracle_LcovExclLinesAbsentFromEveryTracefile()
    {
        var source = Source;
        var excluded = ExcludedLines(source);

        Assert.Contains(source.LineOf("// LCOV_EXCL_LINE"), excluded);
        Assert.True(excluded.Count >= 4, $"expected the marked line and a marked block, found lines {string.Join(", ", excluded)}");
        // gcov, which ignores the markers, still sees code there: the exclusion is what removes it.
        Assert.Contains(excluded, oracle.Gcov.ContainsKey);
        foreach (var run in oracle.Runs)
        {
            var record = Assert.Single(LcovFile.Read(run.LcovPath), r => r.Path == oracle.Source);
            var present = record.Lines.Keys.Where(excluded.Contains).ToList();
            Assert.True(present.Count == 0, $"LCOV_EXCL lines in {run.LcovPath}: {string.Join(", ", present)}");
        }
    }

    [Fact]
    public void Cover_BranchOracle_EveryBranchRunEndsAndPrintsAsNative()
    {
        for (var i = 0; i < oracle.BranchRuns.Count; i++)
        {
            Assert.True(oracle.BranchRuns[i].ExitCode == 0, oracle.BranchRuns[i].ToString());
            Assert.Equal(oracle.NativeOutputs[i], oracle.BranchRuns[i].Process.StandardOutput);
        }
    }

    /// <summary>
    /// The documented rule (README, Branches): on every line both give branches, apart from <c>switch</c> lines, the number
    /// of arms and the number taken agree — gcc at -O0 emits one jump per operand of <c>&amp;&amp;</c>/<c>||</c>, two arms
    /// each on both sides. On a <c>switch</c> line gcov has one arm per case destination and harness two per compare, so
    /// only "some arm taken" is compared there. The lines with branches are the same, but for LCOV_EXCL lines.
    /// </summary>
    [Fact]
    public void Cover_BranchOracle_ArmsTakenPerLineAgreeWithGcov()
    {
        var source = Source;
        var excluded = ExcludedLines(source);
        var gcov = oracle.GcovBranches;
        var harness = oracle.HarnessBranches;
        var common = gcov.Keys.Where(harness.ContainsKey).Order().ToList();
        string Describe(int line) =>
            $"  {line}: {source[line].Trim()} (gcov {(gcov.TryGetValue(line, out var g) ? $"{g.Count(a => a > 0)}/{g.Count}" : "none")}, "
            + $"harness {(harness.TryGetValue(line, out var h) ? $"{h.Count(a => a)}/{h.Count}" : "none")} arms taken)";

        var oneSided = gcov.Keys.Where(line => !harness.ContainsKey(line) && !excluded.Contains(line))
            .Concat(harness.Keys.Where(line => !gcov.ContainsKey(line))).Order().Select(Describe).ToList();
        var switches = common.Where(line => source[line].Contains("switch (", StringComparison.Ordinal)).ToList();
        var disagreeing = common.Except(switches)
            .Where(line => gcov[line].Count != harness[line].Count || gcov[line].Count(a => a > 0) != harness[line].Count(a => a))
            .Select(Describe).ToList();
        var switchesDisagreeing = switches.Where(line => gcov[line].Any(a => a > 0) != harness[line].Any(a => a)).Select(Describe).ToList();

        Assert.True(common.Count - switches.Count >= 12, $"only {common.Count - switches.Count} lines with branches on both sides");
        Assert.True(common.Any(line => source[line].Contains("||", StringComparison.Ordinal)), "no || chain among the lines compared");
        Assert.True(common.Any(line => gcov[line].Any(a => a == 0)), "no arm gcov says was never taken");
        Assert.NotEmpty(switches);
        Assert.True(oneSided.Count == 0, $"branches on one side only:\n{string.Join('\n', oneSided)}");
        Assert.True(disagreeing.Count == 0, $"arms or arms taken differ from gcov's:\n{string.Join('\n', disagreeing)}");
        Assert.True(switchesDisagreeing.Count == 0, $"switch run on one side only:\n{string.Join('\n', switchesDisagreeing)}");
    }

    [Fact]
    public void Cover_BranchOracle_FunctionsEnteredAgreeWithGcov()
    {
        Assert.Contains(oracle.GcovFunctions, f => f.Value == 0);
        Assert.Equal(
            oracle.GcovFunctions.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value > 0)),
            oracle.HarnessFunctions.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, f.Value > 0)));
    }

    /// <summary>Lines both sides consider executable.</summary>
    private List<int> Common()
    {
        var common = oracle.Gcov.Keys.Where(oracle.Harness.ContainsKey).Order().ToList();
        Assert.True(common.Count >= 50, $"only {common.Count} lines executable for both gcov and harness");
        return common;
    }

    private string Quote(int line) =>
        $"  {line}: {Source[line].Trim()} (gcov {oracle.Gcov.GetValueOrDefault(line, -1)}, harness {oracle.Harness.GetValueOrDefault(line, -1)})";

    /// <summary>The LCOV_EXCL_LINE line and every line of LCOV_EXCL_START … LCOV_EXCL_STOP, markers included.</summary>
    private static HashSet<int> ExcludedLines(SourceFile source)
    {
        var excluded = new HashSet<int>(source.LinesContaining("LCOV_EXCL_LINE"));
        var starts = source.LinesContaining("LCOV_EXCL_START");
        var stops = source.LinesContaining("LCOV_EXCL_STOP");
        Assert.Equal(starts.Count, stops.Count);
        foreach (var (start, stop) in starts.Zip(stops))
        {
            excluded.UnionWith(Enumerable.Range(start, stop - start + 1));
        }
        return excluded;
    }

    /// <summary>A function's declaration line: the next line opens its body.</summary>
    private static bool IsDeclaration(SourceFile source, int line) =>
        line < source.LineCount && source[line + 1].Trim() == "{" && source[line].Contains('(', StringComparison.Ordinal);

    [GeneratedRegex(@"^\s*(case\s.*:|default:)")]
    private static partial Regex CaseLabel();
}
