using System.Net;
using Harness.Core.History.Comparison;

namespace Harness.Reporters.Timing;

/// <summary>
/// A timing comparison as one self-contained HTML page (well-formed XHTML, so it also parses as XML): the table
/// worst first, and for the first <see cref="PlottedTests"/> rows the distributions of both sides and the trend of
/// the median over recent runs.
/// </summary>
public static class ComparisonHtmlWriter
{
    /// <summary>Plots for more rows than this make a page nobody scrolls; the rest are table rows only.</summary>
    public const int PlottedTests = 50;

    public static void Write(ComparisonReport report, IReadOnlyDictionary<string, IReadOnlyList<TrendPoint>> trends, TextWriter output)
    {
        output.WriteLine("<!DOCTYPE html>");
        output.WriteLine("<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/><title>Timing comparison</title>");
        output.WriteLine("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle}" +
            ".slower{color:#b00020;font-weight:bold}.faster{color:#1b7a1b}.num{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>");
        output.WriteLine($"<h1>Timing comparison</h1><p>Baseline: {Encode(report.Baseline)}<br/>Current: {Encode(report.Current)}</p><p>{Encode(TimingText.Summary(report))}.</p>");
        output.WriteLine("<table><thead><tr><th>test</th><th>verdict</th><th>baseline</th><th>current</th><th>change</th><th>interval</th><th>noise</th><th>samples</th><th>distribution</th><th>trend</th></tr></thead><tbody>");
        for (var i = 0; i < report.Items.Count; i++)
        {
            var item = report.Items[i];
            var verdict = TimingText.Verdict(item.Verdict);
            output.Write($"<tr data-test=\"{Encode(item.Name)}\"><td>{Encode(item.Name)}</td><td class=\"{verdict.Replace(' ', '-')}\">{verdict}</td>");
            output.Write($"<td class=\"num\">{TimingText.Duration(item.BaselineMedian)}</td><td class=\"num\">{TimingText.Duration(item.CurrentMedian)}</td>");
            output.Write($"<td class=\"num\">{TimingText.Change(item.Ratio)}</td><td>{TimingText.Interval(item)}</td><td class=\"num\">{TimingText.Percent(item.Noise)}</td>");
            output.Write($"<td class=\"num\">{item.Baseline.Count} → {item.Current.Count}</td>");
            if (i < PlottedTests)
            {
                output.Write($"<td>{SvgPlots.Distribution(item.Baseline, item.Current)}</td><td>{(trends.TryGetValue(item.Name, out var trend) ? SvgPlots.Trend(trend) : "")}</td>");
            }
            else
            {
                output.Write("<td></td><td></td>");
            }
            output.WriteLine("</tr>");
        }
        output.WriteLine("</tbody></table></body></html>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
