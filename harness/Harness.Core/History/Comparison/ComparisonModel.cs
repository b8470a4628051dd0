namespace Harness.Core.History.Comparison;

/// <summary>
/// The measurements of one named thing on one side of a comparison: a test's durations in seconds today;
/// a function's self time per profile later. The comparison only ever sees names and numbers.
/// </summary>
public sealed record SampleSet(string Name, IReadOnlyList<double> Values);

/// <summary>One side of a comparison: where its samples came from (run ids, a commit, a file) and the samples by name.</summary>
public sealed record SampleSource(string Label, IReadOnlyList<SampleSet> Sets);

/// <summary>How a comparison decides.</summary>
/// <param name="Threshold">The smallest relative change worth reporting (0.05 = 5%).</param>
/// <param name="Confidence">How sure a slower or faster verdict must be (one-sided Mann–Whitney at α = 1 − confidence).</param>
/// <param name="MinimumShift">Absolute changes below this are never reported: the resolution of the clocks that measured them
/// (GoogleTest reports whole milliseconds).</param>
public sealed record ComparisonOptions(double Threshold = 0.05, double Confidence = 0.99, double MinimumShift = 0.001);

/// <summary>What a comparison concluded about one name.</summary>
public enum Verdict
{
    /// <summary>Slower beyond the effective threshold, with the requested confidence.</summary>
    Slower,

    /// <summary>Faster beyond the effective threshold, with the requested confidence.</summary>
    Faster,

    /// <summary>No change beyond the effective threshold could be shown.</summary>
    Unchanged,

    /// <summary>Too few samples on a side for any test to reach the requested confidence (one sample each, say).</summary>
    InsufficientSamples,

    /// <summary>Only in the current samples.</summary>
    New,

    /// <summary>Only in the baseline.</summary>
    Missing,
}

/// <summary>The comparison of one name.</summary>
/// <param name="Ratio">Hodges–Lehmann estimate of current ÷ baseline (1.30 = 30% slower), computed on log durations.</param>
/// <param name="RatioLow">Lower end of its confidence interval (two-sided, at the requested confidence); null when the samples cannot bound it.</param>
/// <param name="RatioHigh">Upper end of that interval.</param>
/// <param name="PValue">The p-value behind a slower or faster verdict (the smaller of the two one-sided tests).</param>
/// <param name="Noise">The larger relative spread of the two sides (Shamos spread ÷ median): how much the test's own runs vary.</param>
/// <param name="EffectiveThreshold">max(threshold, noise): the change a verdict had to exceed.</param>
public sealed record NameComparison(
    string Name, Verdict Verdict, IReadOnlyList<double> Baseline, IReadOnlyList<double> Current,
    double? BaselineMedian, double? CurrentMedian, double? Ratio, double? RatioLow, double? RatioHigh, double? PValue, double Noise, double EffectiveThreshold);

/// <summary>A whole comparison, worst first: slower by ratio, then the rest.</summary>
public sealed record ComparisonReport(string Baseline, string Current, ComparisonOptions Options, IReadOnlyList<NameComparison> Items)
{
    public bool AnySlower => Items.Any(i => i.Verdict == Verdict.Slower);

    public int Count(Verdict verdict) => Items.Count(i => i.Verdict == verdict);
}
