using System.Globalization;
using System.Net;
using System.Text;

namespace Harness.Reporters.Html;

/// <summary>
/// One page of the report being written: the shared head and navigation, and the escaping every piece of text goes
/// through. Paths, test names, messages and program output are hostile input: nothing reaches the page unescaped.
/// </summary>
internal sealed class HtmlPage
{
    public const string StyleSheet = "report.css";
    public const string IndexPage = "index.html";
    public const string TestsPage = "tests.html";

    private readonly StringBuilder _html = new();

    public HtmlPage(string reportTitle, string pageTitle, string current)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Escape(pageTitle)).Append(" — ").Append(Escape(reportTitle)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StyleSheet).Append("\"></head>\n<body><header><h1>")
            .Append(Escape(reportTitle)).Append("</h1><nav>")
            .Append(NavLink(IndexPage, "Coverage", current)).Append(NavLink(TestsPage, "Tests", current))
            .Append("</nav></header>\n<main>\n");
    }

    public HtmlPage Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public HtmlPage Text(string? text)
    {
        _html.Append(Escape(text));
        return this;
    }

    public void WriteTo(string path)
    {
        _html.Append("</main></body></html>\n");
        File.WriteAllText(path, _html.ToString());
    }

    /// <summary>HTML-escaped text with control characters (other than tab and newline) shown as U+FFFD: program output
    /// can hold anything, including bytes no HTML parser should see.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var clean = text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
            ? string.Concat(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? '\uFFFD' : c))
            : text;
        return WebUtility.HtmlEncode(clean);
    }

    public static string Percent(int covered, int valid) =>
        valid == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * covered / valid:F1}%");

    /// <summary>A small bar, green for the covered share.</summary>
    public static string Bar(int covered, int valid) =>
        valid == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"<span class=\"bar\"><span style=\"width:{100.0 * covered / valid:F0}%\"></span></span>");

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:F3} s");

    private static string NavLink(string page, string label, string current) =>
        $"<a href=\"{page}\"{(page == current ? " class=\"current\"" : "")}>{label}</a>";
}
