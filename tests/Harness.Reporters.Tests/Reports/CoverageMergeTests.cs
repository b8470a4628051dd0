using CsCheck;
using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Reports;
using static Harness.Reporters.Tests.Support.Reports;

namespace Harness.Reporters.Tests.Reports;

public sealed class CoverageMergeTests
{
    private static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    // Small pools of paths, lines, names and counts so that generated reports overlap a lot: the interesting cases
    // are the same file, line, arm or function coming from several inputs.
    private static readonly Gen<BranchArm> Arm = Gen.Select(Gen.Int[0, 1], Gen.Int[0, 2], Gen.Long[0, 3], Gen.Bool,
        (block, arm, taken, known) => new BranchArm(block, arm, known ? taken : null));

    private static readonly Gen<IReadOnlyList<string>?> Tests = Gen.OneOf(
        Gen.Const((IReadOnlyList<string>?)null),
        Pick("t.a", "t.b", "t.c").List[0, 3].Select(l => (IReadOnlyList<string>?)l));

    private static readonly Gen<IReadOnlyList<BranchArm>?> Arms = Gen.OneOf(
        Gen.Const((IReadOnlyList<BranchArm>?)null),
        Arm.List[0, 3].Select(l => (IReadOnlyList<BranchArm>?)l));

    private static readonly Gen<LineCoverage> Line = Gen.Select(Gen.Int[1, 6], Gen.Long[0, 4], Arms, Tests,
        (line, hits, arms, tests) => new LineCoverage(line, hits, arms, tests));

    private static readonly Gen<FunctionCoverage> Function = Gen.Select(Pick("f", "g"), Gen.Int[1, 3], Gen.Int[0, 6], Gen.Long[0, 2], Gen.Bool,
        (name, line, end, hits, hasCode) => new FunctionCoverage(name, line, end, hits, hasCode));

    private static readonly Gen<FileCoverage> File = Gen.Select(Pick("/s/a.c", "/s/b.c", "/t/c.rs"), Pick("", "m1", "m2"), Line.List[0, 5], Function.List[0, 3],
        (path, module, lines, functions) => new FileCoverage(path, module, lines, functions));

    private static readonly Gen<CoverageReport> Report = Gen.Select(File.List[0, 3], Gen.Long[0, 1_000],
        (files, seconds) => new CoverageReport(files, DateTimeOffset.FromUnixTimeSeconds(seconds)));

    private static readonly Gen<ResultEntry> Result = Gen.Select(Pick("t.a", "t.b"), Pick(TestOutcome.Passed, TestOutcome.Failed), Gen.Int[0, 3],
        (name, outcome, seconds) => new ResultEntry(name, name, "suite", "bin", "/bin/t", outcome, false, 1, seconds, DateTimeOffset.UnixEpoch,
            null, null, null, null, null, 0, null, "", ""));

    private static readonly Gen<ReportData> Data = Gen.Select(Report, Result.List[0, 2], (coverage, tests) => new ReportData(coverage, tests));

    [Fact]
    public void Merge_AnyThreeInputs_IsAssociative() =>
        Gen.Select(Data, Data, Data).Sample((a, b, c) =>
            Canonical(ReportData.Merge([ReportData.Merge([a, b]), c])) == Canonical(ReportData.Merge([a, ReportData.Merge([b, c])])),
            iter: 300);

    [Fact]
    public void Merge_AnyTwoInputs_IsCommutative() =>
        Gen.Select(Data, Data).Sample((a, b) => Canonical(ReportData.Merge([a, b])) == Canonical(ReportData.Merge([b, a])), iter: 300);

    [Fact]
    public void Merge_WithEmptyInput_ChangesNothingButOrder() =>
        Report.Sample(a => Canonical(CoverageMerge.Merge(a, new CoverageReport([], DateTimeOffset.UnixEpoch))) == Canonical(CoverageMerge.Merge([a])), iter: 200);

    [Fact]
    public void Merge_AnyInputs_CoversALineIffSomeInputCoversIt() =>
        Gen.Select(Report, Report).Sample((a, b) =>
        {
            var merged = CoverageMerge.Merge(a, b);
            var covered = a.Files.Concat(b.Files).SelectMany(f => f.Lines.Where(l => l.IsCovered).Select(l => (f.Path, l.Line))).ToHashSet();
            return merged.Files.SelectMany(f => f.Lines.Where(l => l.IsCovered).Select(l => (f.Path, l.Line))).ToHashSet().SetEquals(covered);
        }, iter: 200);

    [Fact]
    public void Merge_SameLineFromTwoTools_AddsHitsBranchesAndTests()
    {
        var native = new CoverageReport([new FileCoverage("/s/a.c", "", [new LineCoverage(3, 1, [new BranchArm(0, 0, null), new BranchArm(0, 1, 2)], ["t.a"])], [])], DateTimeOffset.UnixEpoch);
        var instrumented = new CoverageReport([new FileCoverage("/s/a.c", "app", [new LineCoverage(3, 4, [new BranchArm(0, 0, 1)], ["t.b", "t.a"])], [new FunctionCoverage("f", 3, 9, 4)])], DateTimeOffset.FromUnixTimeSeconds(5));

        var merged = CoverageMerge.Merge(native, instrumented);

        var file = Assert.Single(merged.Files);
        Assert.Equal("app", file.Module);
        var line = Assert.Single(file.Lines);
        Assert.Equal(5, line.Hits);
        Assert.Equal([new BranchArm(0, 0, 1), new BranchArm(0, 1, 2)], line.Branches);
        Assert.Equal(["t.a", "t.b"], line.Tests);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(5), merged.Timestamp);
    }

    [Fact]
    public void Normalize_PathMapAndSourceRoot_MergesFilesThatMeetOnOnePath()
    {
        var ci = new CoverageReport([new FileCoverage("/builds/ci/src/a.c", "m", [new LineCoverage(1, 1)], [])], DateTimeOffset.UnixEpoch);
        var relative = new CoverageReport([new FileCoverage("src/./lib/../a.c", "", [new LineCoverage(2, 0)], [])], DateTimeOffset.UnixEpoch);
        var paths = new PathNormalizer("/home/me/repo", [("/builds/ci", "/home/me/repo")]);

        var merged = CoverageMerge.Normalize(CoverageMerge.Merge(ci, relative), paths);

        var file = Assert.Single(merged.Files);
        Assert.Equal("/home/me/repo/src/a.c", file.Path);
        Assert.Equal([1, 2], file.Lines.Select(l => l.Line));
    }

    [Theory]
    [InlineData("/a/b/../../../etc/passwd", "/etc/passwd")]
    [InlineData("C:\\work\\src\\x.cs", "C:/work/src/x.cs")]
    [InlineData("/ci/ab/x.c", "/ci/ab/x.c")]
    [InlineData("/ci/a/x.c", "/local/x.c")]
    public void Normalize_Path_IsLexicalAndMapsWholeSegmentsOnly(string path, string expected) =>
        Assert.Equal(expected, new PathNormalizer(null, [("/ci/a", "/local")]).Normalize(path));
}
