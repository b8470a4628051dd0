using Harness.Core.Reports;

namespace Harness.Reporters.Html;

/// <summary>
/// The HTML report, written into one directory: <c>index.html</c> (coverage totals and every file, by module),
/// one page per source file (its lines marked covered, uncovered or partly covered, branch arms when the inputs
/// had any, and the tests that ran each line when per-test coverage was recorded), and <c>tests.html</c> (the test
/// results per suite and binary, failures with message, location and output).
/// </summary>
/// <remarks>
/// Static pages with one style sheet: no script, nothing fetched from elsewhere, so the report opens from a CI
/// artifact as it does locally. Page names are numbers, never taken from paths, so a hostile path cannot write
/// outside the directory; every text is escaped (<see cref="HtmlPage.Escape"/>). Source lines are read from the paths
/// in the coverage (after <c>--source-root</c>/<c>--path-map</c>): a file not on this machine is shown without source.
/// </remarks>
public static class HtmlReportWriter
{
    /// <summary>Writes the report into <paramref name="directory"/> (created if needed); its entry page is <c>index.html</c>.</summary>
    public static void Write(ReportData data, string title, string directory)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(title);
        Directory.CreateDirectory(directory);
        using (var css = typeof(HtmlReportWriter).Assembly.GetManifestResourceStream("Harness.Reporters.Html.report.css")!)
        using (var file = File.Create(Path.Combine(directory, HtmlPage.StyleSheet)))
        {
            css.CopyTo(file);
        }
        var tests = new TestAnchors(data.Tests);
        CoveragePages.Write(data, title, tests, directory);
        TestResultsPage.Write(data, title, tests, Path.Combine(directory, HtmlPage.TestsPage));
    }
}

/// <summary>The anchor of each test on the results page, so that a source line can link the tests that ran it.</summary>
internal sealed class TestAnchors
{
    private readonly Dictionary<string, (int Index, string DisplayName)> _first = new(StringComparer.Ordinal);

    public TestAnchors(IReadOnlyList<Harness.Core.Model.ResultEntry> tests)
    {
        for (var i = 0; i < tests.Count; i++)
        {
            _first.TryAdd(tests[i].FullyQualifiedName, (i, tests[i].DisplayName));
        }
    }

    public static string Id(int index) => "t" + HtmlPage.Number(index);

    /// <summary>A link to the test's result shown by the framework's name (the full name as its title, the dotted
    /// prefix is the same for every test of a binary), or the full name alone when the inputs had coverage but not
    /// the test's result.</summary>
    public string Link(string name) =>
        _first.TryGetValue(name, out var test)
            ? $"<a href=\"{HtmlPage.TestsPage}#{Id(test.Index)}\" title=\"{HtmlPage.Escape(name)}\">{HtmlPage.Escape(test.DisplayName.Length > 0 ? test.DisplayName : name)}</a>"
            : HtmlPage.Escape(name);
}
