using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;

namespace Harness.Core.History.Comparison;

/// <summary>
/// Distribution-free estimates of how much one sample is shifted against another, on log durations so that a
/// shift reads as a ratio (timings scale multiplicatively: a test twice as long varies about twice as much).
/// </summary>
internal static class ShiftStatistics
{
    /// <summary>Durations of zero (a framework's whole-millisecond clock) become this before taking logs.</summary>
    private const double Floor = 1e-9;

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }

    /// <summary>Shamos spread (median of pairwise distances, ≈ 0.95 σ for a normal) over the median; 0 for fewer than 2 values.</summary>
    public static double RelativeSpread(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }
        var distances = new List<double>(values.Count * (values.Count - 1) / 2);
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                distances.Add(Math.Abs(values[i] - values[j]));
            }
        }
        var median = Median(values);
        return median > 0 ? Median(distances) / median : 0;
    }

    /// <summary>Every log(current) − log(baseline), sorted: the Walsh-type differences the Hodges–Lehmann estimate and its interval are read from.</summary>
    public static double[] LogDifferences(IReadOnlyList<double> baseline, IReadOnlyList<double> current)
    {
        var differences = new double[baseline.Count * current.Count];
        var k = 0;
        foreach (var x in baseline)
        {
            foreach (var y in current)
            {
                differences[k++] = Math.Log(Math.Max(y, Floor)) - Math.Log(Math.Max(x, Floor));
            }
        }
        Array.Sort(differences);
        return differences;
    }

    /// <summary>
    /// The Hodges–Lehmann ratio and its confidence interval. With samples on both sides the interval is the
    /// classic one from the Mann–Whitney distribution: [D(k), D(nm+1−k)] for the largest k with P(U &lt; k) ≤ α/2.
    /// When one side is a single value (an average from CTest, one run) it is taken as a fixed reference and the
    /// interval comes from the sign test on the other side's differences instead.
    /// </summary>
    public static (double Ratio, double? Low, double? High) Ratio(IReadOnlyList<double> baseline, IReadOnlyList<double> current, double confidence)
    {
        var differences = LogDifferences(baseline, current);
        var estimate = Math.Exp(Median(differences));
        var alpha = 1 - confidence;
        int k;
        if (baseline.Count == 1 || current.Count == 1)
        {
            var m = differences.Length;
            k = LargestK(m, candidate => BinomialLowerTail(m, candidate - 1), alpha / 2);
        }
        else
        {
            var (n, m) = (baseline.Count, current.Count);
            IMannWhitneyCdf cdf = n * m <= 2500 ? MannWhitneyLoefflerExactCdf.Instance : MannWhitneyNormalApproxCdf.Instance;
            k = LargestK(n * m / 2, candidate => cdf.Cdf(n, m, candidate), alpha / 2);
        }
        return k < 1 ? (estimate, null, null) : (estimate, Math.Exp(differences[k - 1]), Math.Exp(differences[^k]));
    }

    /// <summary>The largest k in 1..<paramref name="max"/> with tail(k) ≤ <paramref name="limit"/> (tail grows with k), or 0.</summary>
    private static int LargestK(int max, Func<int, double> tail, double limit)
    {
        int low = 0, high = Math.Max(0, max);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (tail(middle) <= limit)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return low;
    }

    /// <summary>P(X ≤ k) for X ~ Binomial(n, ½).</summary>
    public static double BinomialLowerTail(int n, int k)
    {
        if (k < 0)
        {
            return 0;
        }
        double sum = 0, term = Math.Pow(0.5, n);
        for (var i = 0; i <= Math.Min(k, n); i++)
        {
            sum += term;
            term = term * (n - i) / (i + 1);
        }
        return Math.Min(1, sum);
    }

    /// <summary>The smallest one-sided p-value any outcome can give: 1 / C(n+m, n) for Mann–Whitney, ½^m for the sign test.</summary>
    public static double SmallestPValue(int n, int m)
    {
        if (n < 1 || m < 1 || (n == 1 && m == 1))
        {
            return 1;
        }
        if (n == 1 || m == 1)
        {
            return Math.Pow(0.5, Math.Max(n, m));
        }
        double combinations = 1;
        for (var i = 1; i <= Math.Min(n, m); i++)
        {
            combinations = combinations * (n + m - Math.Min(n, m) + i) / i;
        }
        return 1 / combinations;
    }
}
