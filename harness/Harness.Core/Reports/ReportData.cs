using Harness.Core.Coverage;
using Harness.Core.Model;

namespace Harness.Core.Reports;

/// <summary>What reports are made from: coverage and test results, from one input or merged from many.</summary>
/// <param name="Coverage">Coverage of every source file; no files when no input carried coverage.</param>
/// <param name="Tests">Test results (outcome, duration, output) sorted by suite, binary and name.</param>
public sealed record ReportData(CoverageReport Coverage, IReadOnlyList<ResultEntry> Tests)
{
    /// <summary>With <c>--diff-base</c>: the coverage of the lines changed since the base; null otherwise.</summary>
    public PatchCoverage? Patch { get; init; }

    public static ReportData Empty { get; } = new(new CoverageReport([], DateTimeOffset.UnixEpoch), []);

    public static ReportData FromCoverage(CoverageReport coverage) => new(coverage, []);

    /// <summary>
    /// Coverage merged by <see cref="CoverageMerge"/>; test results concatenated (shards hold different tests; a test
    /// run twice stays twice, once per run) and sorted, so the merge is associative and commutative as a whole.
    /// </summary>
    public static ReportData Merge(IEnumerable<ReportData> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var list = inputs.ToList();
        return new ReportData(
            CoverageMerge.Merge(list.Select(i => i.Coverage)),
            [.. list.SelectMany(i => i.Tests)
                .OrderBy(t => t.Suite, StringComparer.Ordinal)
                .ThenBy(t => t.BinaryId, StringComparer.Ordinal)
                .ThenBy(t => t.FullyQualifiedName, StringComparer.Ordinal)
                .ThenBy(t => t.Started)
                .ThenBy(t => t.Outcome.Name(), StringComparer.Ordinal)
                .ThenBy(t => t.Seconds)]);
    }

    /// <summary>Test results that fail the run: failed, crashed and timed-out tests (<see cref="TestOutcomes.IsFailure"/>).</summary>
    public IEnumerable<ResultEntry> FailedTests => Tests.Where(t => t.Outcome.IsFailure());
}
