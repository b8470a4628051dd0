using Perfolizer.Mathematics.SignificanceTesting.Base;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace Harness.Core.History.Comparison;

/// <summary>
/// Compares two sets of named samples: for each name, is the current side slower, faster or unchanged?
/// </summary>
/// <remarks>
/// A verdict needs all three of: a one-sided Mann–Whitney test (Perfolizer) that the current side is shifted by
/// more than the effective threshold, significant at 1 − confidence; an absolute change of at least
/// <see cref="ComparisonOptions.MinimumShift"/>; and enough samples that such significance is possible at all.
/// The effective threshold is the larger of the requested one and the test's own noise (relative spread of
/// either side): a test whose runs vary by 20% is not called 5% slower, because between two runs on a busy
/// machine its load can drift by that much without any change to the code. When one side is a single value
/// (an imported average), a sign test of the other side's samples against it replaces Mann–Whitney.
/// </remarks>
public static class TimingComparer
{
    public static ComparisonReport Compare(SampleSource baseline, SampleSource current, ComparisonOptions options)
    {
        var before = Pool(baseline.Sets);
        var after = Pool(current.Sets);
        var items = new List<NameComparison>();
        foreach (var name in before.Keys.Union(after.Keys, StringComparer.Ordinal))
        {
            items.Add(Compare(name, before.GetValueOrDefault(name, []), after.GetValueOrDefault(name, []), options));
        }
        var ordered = items
            .OrderBy(i => i.Verdict == Verdict.Slower ? 0 : i.Ratio is not null ? 1 : i.Verdict == Verdict.New ? 2 : 3)
            .ThenByDescending(i => i.Ratio ?? 0)
            .ThenBy(i => i.Name, StringComparer.Ordinal)
            .ToList();
        return new ComparisonReport(baseline.Label, current.Label, options, ordered);
    }

    public static NameComparison Compare(string name, IReadOnlyList<double> baseline, IReadOnlyList<double> current, ComparisonOptions options)
    {
        if (baseline.Count == 0 || current.Count == 0)
        {
            var only = baseline.Count == 0 ? current : baseline;
            return new NameComparison(name, baseline.Count == 0 ? Verdict.New : Verdict.Missing, baseline, current,
                baseline.Count == 0 ? null : ShiftStatistics.Median(baseline), current.Count == 0 ? null : ShiftStatistics.Median(current),
                null, null, null, null, ShiftStatistics.RelativeSpread(only), options.Threshold);
        }

        var noise = Math.Max(ShiftStatistics.RelativeSpread(baseline), ShiftStatistics.RelativeSpread(current));
        var threshold = Math.Max(options.Threshold, noise);
        var (ratio, low, high) = ShiftStatistics.Ratio(baseline, current, options.Confidence);
        var baselineMedian = ShiftStatistics.Median(baseline);
        var currentMedian = ShiftStatistics.Median(current);
        var alpha = 1 - options.Confidence;

        Verdict verdict;
        double? p = null;
        if (ShiftStatistics.SmallestPValue(baseline.Count, current.Count) > alpha)
        {
            verdict = Verdict.InsufficientSamples;
        }
        else
        {
            var (slower, faster) = baseline.Count == 1 || current.Count == 1
                ? SignTest(baseline, current, threshold)
                : MannWhitney(baseline, current, threshold);
            p = Math.Min(slower, faster);
            var large = Math.Abs(currentMedian - baselineMedian) >= options.MinimumShift;
            verdict = slower < alpha && large ? Verdict.Slower : faster < alpha && large ? Verdict.Faster : Verdict.Unchanged;
        }
        return new NameComparison(name, verdict, baseline, current, baselineMedian, currentMedian, ratio, low, high, p, noise, threshold);
    }

    private static (double Slower, double Faster) MannWhitney(IReadOnlyList<double> baseline, IReadOnlyList<double> current, double threshold)
    {
        var x = new Sample([.. baseline]);
        var y = new Sample([.. current]);
        var limit = PercentValue.Of(threshold * 100).ToThreshold();
        var slower = MannWhitneyTest.Instance.Perform(y, x, AlternativeHypothesis.Greater, limit).PValue.Value;
        var faster = MannWhitneyTest.Instance.Perform(x, y, AlternativeHypothesis.Greater, limit).PValue.Value;
        return (slower, faster);
    }

    /// <summary>One side is a single reference value: how many of the other side's values lie beyond it by more than the threshold.</summary>
    private static (double Slower, double Faster) SignTest(IReadOnlyList<double> baseline, IReadOnlyList<double> current, double threshold)
    {
        var swap = current.Count == 1;
        var reference = swap ? current[0] : baseline[0];
        var others = swap ? baseline : current;
        var n = others.Count;
        var above = others.Count(v => v > reference * (1 + threshold));
        var below = others.Count(v => v * (1 + threshold) < reference);
        var pAbove = 1 - ShiftStatistics.BinomialLowerTail(n, above - 1);
        var pBelow = 1 - ShiftStatistics.BinomialLowerTail(n, below - 1);
        // With the baseline as the reference, the current side above it is slower; with the current as the reference, the reverse.
        return swap ? (pBelow, pAbove) : (pAbove, pBelow);
    }

    /// <summary>Several sets with one name (runs pooled from a commit) become one.</summary>
    private static Dictionary<string, IReadOnlyList<double>> Pool(IReadOnlyList<SampleSet> sets) =>
        sets.GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<double>)[.. g.SelectMany(s => s.Values)], StringComparer.Ordinal);
}
