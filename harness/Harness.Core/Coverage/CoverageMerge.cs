namespace Harness.Core.Coverage;

/// <summary>
/// Merges coverage from many processes, binaries, shards and tools into one report.
/// </summary>
/// <remarks>
/// The merge is associative and commutative, so shards can be merged in any order and grouping with the same
/// result: every field is combined with an operation that is (saturating sum, min, max, or, set union), and every
/// list comes out sorted. Files are one per path: a header compiled into two binaries, or a file reported by two
/// tools, becomes one file whose hits are the sums (as <c>lcov -a</c> does) and whose module is the ordinally
/// smallest of its known modules. Hit counts that are only "reached" (breakpoint coverage, 0 or 1) add up to the number
/// of inputs that reached the line; covered or not, which is what totals count, is the same either way.
/// </remarks>
public static class CoverageMerge
{
    /// <summary>The merge of every report (an empty report for none); the timestamp is the latest.</summary>
    public static CoverageReport Merge(IEnumerable<CoverageReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var list = reports.ToList();
        var timestamp = list.Count == 0 ? DateTimeOffset.UnixEpoch : list.Max(r => r.Timestamp);
        var files = list
            .SelectMany(r => r.Files)
            .GroupBy(f => f.Path, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(MergeFile)
            .ToList();
        return new CoverageReport(files, timestamp);
    }

    public static CoverageReport Merge(CoverageReport first, CoverageReport second) => Merge([first, second]);

    /// <summary>The report with every path rewritten by <paramref name="paths"/>; files that end up on one path are merged.</summary>
    public static CoverageReport Normalize(CoverageReport report, PathNormalizer paths)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(paths);
        return Merge([report with { Files = [.. report.Files.Select(f => f with { Path = paths.Normalize(f.Path) })] }]);
    }

    private static FileCoverage MergeFile(IGrouping<string, FileCoverage> files)
    {
        // A tool that knows the module (DWARF, Cobertura packages) beats one that does not (LCOV has no modules).
        var module = files.Select(f => f.Module).Where(m => m.Length > 0).Min(StringComparer.Ordinal) ?? "";
        var lines = files
            .SelectMany(f => f.Lines)
            .GroupBy(l => l.Line)
            .OrderBy(g => g.Key)
            .Select(g => g.Aggregate(new LineCoverage(g.Key, 0), MergeLine))
            .ToList();
        var functions = files
            .SelectMany(f => f.Functions)
            .GroupBy(f => (f.Name, f.Line))
            .Select(g => new FunctionCoverage(
                g.Key.Name,
                g.Key.Line,
                g.Max(f => Math.Max(f.Line, f.EndLine)),
                g.Aggregate(0L, (sum, f) => Add(sum, f.Hits)),
                g.Any(f => f.HasCode)))
            .OrderBy(f => f.Line)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        return new FileCoverage(files.Key, module, lines, functions);
    }

    private static LineCoverage MergeLine(LineCoverage sum, LineCoverage line) => new(
        line.Line,
        Add(sum.Hits, line.Hits),
        MergeBranches(sum.Branches, line.Branches),
        MergeTests(sum.Tests, line.Tests));

    private static IReadOnlyList<BranchArm>? MergeBranches(IReadOnlyList<BranchArm>? first, IReadOnlyList<BranchArm>? second)
    {
        if (first is null && second is null)
        {
            return null;
        }
        return [.. (first ?? []).Concat(second ?? [])
            .GroupBy(b => (b.Block, b.Arm))
            .OrderBy(g => g.Key.Block)
            .ThenBy(g => g.Key.Arm)
            .Select(g => new BranchArm(g.Key.Block, g.Key.Arm, g.Aggregate((long?)null, (taken, b) => AddTaken(taken, b.Taken))))];
    }

    private static IReadOnlyList<string>? MergeTests(IReadOnlyList<string>? first, IReadOnlyList<string>? second) =>
        first is null && second is null
            ? null
            : [.. (first ?? []).Concat(second ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    // Unknown (the branch point never ran) merged with a count is that count: some run saw the branch point.
    private static long? AddTaken(long? first, long? second) => (first, second) switch
    {
        (null, null) => null,
        (null, { } s) => Add(0, s),
        ({ } f, null) => Add(f, 0),
        ({ } f, { } s) => Add(f, s),
    };

    // Saturating so that huge instrumented counts from several shards cannot wrap round to negative. Negative
    // inputs count as 0: readers reject them, and a model built in code must not make a covered line uncovered.
    private static long Add(long first, long second)
    {
        var a = Math.Max(0, first);
        var b = Math.Max(0, second);
        return a > long.MaxValue - b ? long.MaxValue : a + b;
    }
}
