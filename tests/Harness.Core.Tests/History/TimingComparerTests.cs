using Harness.Core.History.Comparison;

namespace Harness.Core.Tests.History;

/// <summary>
/// The comparison's verdicts on samples with a known shift and known noise (seeded, so every run of these tests
/// sees the same numbers): a real 30% change is found with an interval around it, noise is not a change, and
/// too few samples are said to be too few.
/// </summary>
public sealed class TimingComparerTests
{
    private static readonly ComparisonOptions Defaults = new();

    [Fact]
    public void Compare_ThirtyPercentSlowerLowNoise_SlowerWithIntervalAroundTheShift()
    {
        var baseline = Samples(seed: 1, count: 12, center: 0.100, relativeNoise: 0.02);
        var current = Samples(seed: 2, count: 12, center: 0.130, relativeNoise: 0.02);

        var result = TimingComparer.Compare("t", baseline, current, Defaults);

        Assert.Equal(Verdict.Slower, result.Verdict);
        Assert.InRange(result.Ratio!.Value, 1.25, 1.35);
        Assert.InRange(1.30, result.RatioLow!.Value, result.RatioHigh!.Value);
        Assert.True(result.RatioLow > 1.05);
        Assert.True(result.PValue < 0.01);
    }

    [Fact]
    public void Compare_ThirtyPercentFaster_Faster()
    {
        var result = TimingComparer.Compare("t", Samples(3, 10, 0.130, 0.02), Samples(4, 10, 0.100, 0.02), Defaults);
        Assert.Equal(Verdict.Faster, result.Verdict);
        Assert.InRange(result.Ratio!.Value, 0.72, 0.82);
    }

    [Fact]
    public void Compare_SameDistribution_Unchanged()
    {
        var result = TimingComparer.Compare("t", Samples(5, 20, 0.100, 0.05), Samples(6, 20, 0.100, 0.05), Defaults);
        Assert.Equal(Verdict.Unchanged, result.Verdict);
        Assert.InRange(1.0, result.RatioLow!.Value, result.RatioHigh!.Value);
    }

    [Fact]
    public void Compare_TwelvePercentSlowerButTwentyPercentNoise_NotCalledSlower()
    {
        // Enough samples that a plain Mann–Whitney at a 5% threshold calls a 12% shift significant (checked by
        // removing the noise term); the test's own 20% spread raises the bar above it.
        var baseline = Samples(7, 400, 0.100, 0.20);
        var current = Samples(8, 400, 0.112, 0.20);

        var result = TimingComparer.Compare("t", baseline, current, Defaults);

        Assert.NotEqual(Verdict.Slower, result.Verdict);
        Assert.True(result.Noise > 0.15, $"noise {result.Noise}");
        Assert.Equal(result.Noise, result.EffectiveThreshold);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)] // the smallest Mann–Whitney p-value with 2 and 2 samples is 1/6
    [InlineData(1, 5)] // sign test: ½^5 > 0.01
    public void Compare_TooFewSamplesForTheConfidence_InsufficientSamples(int baselineCount, int currentCount)
    {
        var result = TimingComparer.Compare("t", Samples(9, baselineCount, 0.1, 0.01), Samples(10, currentCount, 0.2, 0.01), Defaults);
        Assert.Equal(Verdict.InsufficientSamples, result.Verdict);
        Assert.Null(result.PValue);
        Assert.InRange(result.Ratio!.Value, 1.8, 2.2);
    }

    [Fact]
    public void Compare_SingleReferenceBaselineAndTenSlowerSamples_SlowerBySignTest()
    {
        var result = TimingComparer.Compare("t", [0.100], Samples(11, 10, 0.130, 0.02), Defaults);
        Assert.Equal(Verdict.Slower, result.Verdict);
        Assert.InRange(1.30, result.RatioLow!.Value, result.RatioHigh!.Value);
    }

    [Fact]
    public void Compare_MillisecondClockAndTinyShift_UnchangedBelowTheMinimumShift()
    {
        // GoogleTest-style durations: 0 or 1 ms. Relative change is huge, absolute change is below the clock's resolution.
        var result = TimingComparer.Compare("t", [.. Enumerable.Repeat(0.0, 10)], [.. Enumerable.Repeat(0.0005, 10)], Defaults);
        Assert.Equal(Verdict.Unchanged, result.Verdict);
    }

    [Fact]
    public void Compare_Sources_NewMissingAndSlowerFirst()
    {
        var baseline = new SampleSource("b", [new("same", Samples(12, 10, 0.1, 0.02)), new("slow", Samples(13, 10, 0.1, 0.02)), new("gone", [0.1])]);
        var current = new SampleSource("c", [new("same", Samples(14, 10, 0.1, 0.02)), new("slow", Samples(15, 10, 0.2, 0.02)), new("added", [0.1])]);

        var report = TimingComparer.Compare(baseline, current, Defaults);

        Assert.Equal(["slow", "same", "added", "gone"], report.Items.Select(i => i.Name));
        Assert.Equal([Verdict.Slower, Verdict.Unchanged, Verdict.New, Verdict.Missing], report.Items.Select(i => i.Verdict));
        Assert.True(report.AnySlower);
    }

    [Fact]
    public void Compare_ManySeededUnchangedPairs_FalseSlowerRateBelowOnePercent()
    {
        // The 99% confidence must mean what it says: among 300 comparisons of identical distributions, at
        // most a few may come out slower (expected ≈ 0, since the threshold also has to be exceeded).
        var slower = Enumerable.Range(0, 300)
            .Count(i => TimingComparer.Compare("t", Samples(1000 + i, 10, 0.1, 0.1), Samples(5000 + i, 10, 0.1, 0.1), Defaults).Verdict == Verdict.Slower);
        Assert.True(slower <= 3, $"{slower} of 300 identical pairs called slower");
    }

    /// <summary>Log-normal-ish durations: <paramref name="center"/> × (1 + noise × standard normal), skewed right like real timings.</summary>
    private static double[] Samples(int seed, int count, double center, double relativeNoise)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return center * Math.Exp(relativeNoise * normal);
        })];
    }
}
