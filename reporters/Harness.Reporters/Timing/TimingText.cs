using System.Globalization;
using Harness.Core.History.Comparison;

namespace Harness.Reporters.Timing;

/// <summary>How every timing report spells durations, changes and verdicts, so the console, markdown and HTML agree.</summary>
public static class TimingText
{
    public static string Duration(double? seconds) => seconds switch
    {
        null => "–",
        < 1e-3 => Invariant($"{seconds * 1e6:F0} µs"),
        < 1 => Invariant($"{seconds * 1e3:F1} ms"),
        _ => Invariant($"{seconds:F2} s"),
    };

    /// <summary>A ratio as a signed percentage: 1.302 → <c>+30.2%</c>.</summary>
    public static string Change(double? ratio) => ratio is { } r ? Invariant($"{(r - 1) * 100:+0.0;-0.0;0.0}%") : "–";

    public static string Interval(NameComparison item) =>
        item.RatioLow is { } low && item.RatioHigh is { } high ? $"[{Change(low)}, {Change(high)}]" : "–";

    public static string Verdict(Verdict verdict) => verdict switch
    {
        Core.History.Comparison.Verdict.Slower => "slower",
        Core.History.Comparison.Verdict.Faster => "faster",
        Core.History.Comparison.Verdict.Unchanged => "unchanged",
        Core.History.Comparison.Verdict.InsufficientSamples => "insufficient samples",
        Core.History.Comparison.Verdict.New => "new",
        _ => "missing",
    };

    public static string Percent(double fraction) => Invariant($"{fraction * 100:0.#}%");

    /// <summary>The one-line summary under every report.</summary>
    public static string Summary(ComparisonReport report) => Invariant(
        $"{report.Count(Core.History.Comparison.Verdict.Slower)} slower, {report.Count(Core.History.Comparison.Verdict.Faster)} faster, {report.Count(Core.History.Comparison.Verdict.Unchanged)} unchanged, {report.Count(Core.History.Comparison.Verdict.InsufficientSamples)} with insufficient samples, {report.Count(Core.History.Comparison.Verdict.New)} new, {report.Count(Core.History.Comparison.Verdict.Missing)} missing (threshold {Percent(report.Options.Threshold)} or the test's own noise, confidence {Percent(report.Options.Confidence)})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
