using System.Globalization;
using System.Net;
using System.Text;
using Harness.Core.History.Comparison;

namespace Harness.Reporters.Timing;

/// <summary>
/// The two small charts of the timing report as inline SVG: a strip plot of one name's baseline and current
/// samples (every sample a dot, the median a bar) and a trend line of its median over recent runs. Plain SVG
/// keeps the report one self-contained file with no native drawing library (ScottPlot needs SkiaSharp's native
/// assets, which the AOT-published CLI would have to ship).
/// </summary>
public static class SvgPlots
{
    private const int Width = 360;
    private const int RowHeight = 26;
    private const int Left = 70;
    private const int Right = 12;

    /// <summary>A strip plot: one row per side, <c>g class="series baseline|current"</c> holding a circle per sample.</summary>
    public static string Distribution(IReadOnlyList<double> baseline, IReadOnlyList<double> current)
    {
        var all = baseline.Concat(current).ToList();
        var height = RowHeight * 2 + 24;
        var svg = Start(height, "distribution");
        if (all.Count == 0)
        {
            return svg.Append("</svg>").ToString();
        }
        var (min, max) = Range(all);
        double X(double v) => Left + (Width - Left - Right) * (v - min) / (max - min);
        var rows = new[] { ("baseline", baseline, "#4c78a8"), ("current", current, "#e45756") };
        for (var row = 0; row < rows.Length; row++)
        {
            var (name, values, colour) = rows[row];
            var y = 14 + row * RowHeight;
            svg.Append(Invariant($"<g class=\"series {name}\" data-count=\"{values.Count}\"><text x=\"4\" y=\"{y + 4}\" font-size=\"11\">{name}</text>"));
            foreach (var value in values)
            {
                svg.Append(Invariant($"<circle cx=\"{X(value):F1}\" cy=\"{y}\" r=\"3\" fill=\"{colour}\" fill-opacity=\"0.55\"><title>{TimingText.Duration(value)}</title></circle>"));
            }
            if (values.Count > 0)
            {
                var median = X(Median(values));
                svg.Append(Invariant($"<line class=\"median\" x1=\"{median:F1}\" x2=\"{median:F1}\" y1=\"{y - 9}\" y2=\"{y + 9}\" stroke=\"{colour}\" stroke-width=\"2\"/>"));
            }
            svg.Append("</g>");
        }
        Axis(svg, min, max, height - 6);
        return svg.Append("</svg>").ToString();
    }

    /// <summary>A trend line of medians, oldest run first: <c>polyline class="series trend"</c> and a circle per run.</summary>
    public static string Trend(IReadOnlyList<TrendPoint> points)
    {
        const int height = 90;
        var svg = Start(height, "trend");
        if (points.Count == 0)
        {
            return svg.Append("</svg>").ToString();
        }
        var (min, max) = Range([.. points.Select(p => p.Median)]);
        double X(int i) => points.Count == 1 ? (Left + Width - Right) / 2.0 : Left + (Width - Left - Right) * i / (double)(points.Count - 1);
        double Y(double v) => height - 22 - (height - 34) * (v - min) / (max - min);
        var line = string.Join(' ', points.Select((p, i) => Invariant($"{X(i):F1},{Y(p.Median):F1}")));
        svg.Append(Invariant($"<text x=\"4\" y=\"14\" font-size=\"11\">{TimingText.Duration(max)}</text><text x=\"4\" y=\"{height - 22}\" font-size=\"11\">{TimingText.Duration(min)}</text>"));
        svg.Append(Invariant($"<polyline class=\"series trend\" data-count=\"{points.Count}\" points=\"{line}\" fill=\"none\" stroke=\"#4c78a8\" stroke-width=\"1.5\"/>"));
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            var label = WebUtility.HtmlEncode(Invariant($"run {p.RunId} {p.Started:yyyy-MM-dd HH:mm}{(p.Commit is { } c ? " " + c[..Math.Min(8, c.Length)] : "")}: {TimingText.Duration(p.Median)}"));
            svg.Append(Invariant($"<circle cx=\"{X(i):F1}\" cy=\"{Y(p.Median):F1}\" r=\"2.5\" fill=\"#4c78a8\"><title>{label}</title></circle>"));
        }
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"{height - 6}\" font-size=\"10\">run {points[0].RunId}</text>"));
        svg.Append(Invariant($"<text x=\"{Width - Right}\" y=\"{height - 6}\" font-size=\"10\" text-anchor=\"end\">run {points[^1].RunId}</text>"));
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Start(int height, string kind) =>
        new(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{kind}\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">"));

    private static void Axis(StringBuilder svg, double min, double max, int y)
    {
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"{y}\" font-size=\"10\">{TimingText.Duration(min)}</text>"));
        svg.Append(Invariant($"<text x=\"{Width - Right}\" y=\"{y}\" font-size=\"10\" text-anchor=\"end\">{TimingText.Duration(max)}</text>"));
    }

    /// <summary>The data's range, widened when every value is equal so that nothing divides by zero.</summary>
    private static (double Min, double Max) Range(IReadOnlyList<double> values)
    {
        var (min, max) = (values.Min(), values.Max());
        var pad = max > min ? (max - min) * 0.05 : Math.Max(Math.Abs(min) * 0.05, 1e-6);
        return (min - pad, max + pad);
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
