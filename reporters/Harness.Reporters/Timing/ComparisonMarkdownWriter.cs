using Harness.Core.History.Comparison;

namespace Harness.Reporters.Timing;

/// <summary>A timing comparison as a markdown table, worst first: for a pull-request comment or a CI summary.</summary>
public static class ComparisonMarkdownWriter
{
    public static void Write(ComparisonReport report, TextWriter output)
    {
        output.WriteLine("## Timing comparison");
        output.WriteLine();
        output.WriteLine($"Baseline: {Escape(report.Baseline)}  ");
        output.WriteLine($"Current: {Escape(report.Current)}");
        output.WriteLine();
        output.WriteLine("| test | verdict | baseline | current | change | interval | noise | samples |");
        output.WriteLine("|---|---|---:|---:|---:|---|---:|---:|");
        foreach (var item in report.Items)
        {
            var verdict = item.Verdict == Verdict.Slower ? "**slower**" : TimingText.Verdict(item.Verdict);
            output.WriteLine($"| `{Escape(item.Name)}` | {verdict} | {TimingText.Duration(item.BaselineMedian)} | {TimingText.Duration(item.CurrentMedian)} | " +
                $"{TimingText.Change(item.Ratio)} | {TimingText.Interval(item)} | {TimingText.Percent(item.Noise)} | {item.Baseline.Count} → {item.Current.Count} |");
        }
        output.WriteLine();
        output.WriteLine(TimingText.Summary(report) + ".");
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
