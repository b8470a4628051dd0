using System.Globalization;
using Harness.Core.Reports;
using Harness.Core.Model;

namespace Harness.Reporters.Html;

/// <summary><c>tests.html</c>: counts per suite and binary, every failure with its message, location and output, then every test.</summary>
internal static class TestResultsPage
{
    /// <summary>Output kept per stream and test: the end of it, where a failure's message usually is.</summary>
    private const int MaxOutputChars = 64 * 1024;

    private static readonly TestOutcome[] Outcomes = [TestOutcome.Passed, TestOutcome.Failed, TestOutcome.Crashed, TestOutcome.TimedOut, TestOutcome.Skipped];

    public static void Write(ReportData data, string title, TestAnchors anchors, string path)
    {
        var page = new HtmlPage(title, "Tests", HtmlPage.TestsPage);
        var tests = data.Tests;
        if (tests.Count == 0)
        {
            page.Raw("<h2>Tests</h2>\n<p class=\"muted\">The inputs held no test results (give <code>harness report</code> a <code>harness test</code> output directory or its results.json).</p>\n");
            page.WriteTo(path);
            return;
        }
        var failed = data.FailedTests.ToList();
        page.Raw("<h2>").Text(string.Create(CultureInfo.InvariantCulture, $"{tests.Count} tests: {Count(tests, TestOutcome.Passed)} passed, {failed.Count} failed, {Count(tests, TestOutcome.Skipped)} skipped")).Raw("</h2>\n");
        page.Raw("<table><tr><th>Suite</th><th>Binary</th><th class=\"num\">Passed</th><th class=\"num\">Failed</th><th class=\"num\">Crashed</th><th class=\"num\">Timed out</th><th class=\"num\">Skipped</th><th class=\"num\">Flaky</th><th class=\"num\">Time</th></tr>\n");
        foreach (var binary in tests.GroupBy(t => (t.Suite, t.BinaryId)))
        {
            var group = binary.ToList();
            page.Raw("<tr><td class=\"path\">").Text(binary.Key.Suite).Raw("</td><td class=\"path\">").Text(binary.Key.BinaryId).Raw("</td>");
            foreach (var outcome in Outcomes)
            {
                page.Raw("<td class=\"num\">").Raw(HtmlPage.Number(Count(group, outcome))).Raw("</td>");
            }
            page.Raw("<td class=\"num\">").Raw(HtmlPage.Number(group.Count(t => t.Flaky))).Raw("</td><td class=\"num\">").Raw(HtmlPage.Seconds(group.Sum(t => t.Seconds))).Raw("</td></tr>\n");
        }
        page.Raw("</table>\n");

        if (failed.Count > 0)
        {
            page.Raw("<h2>Failures</h2>\n");
            foreach (var test in failed)
            {
                WriteFailure(page, test);
            }
        }

        page.Raw("<h2>All tests</h2>\n<table><tr><th>Outcome</th><th>Test</th><th>Location</th><th class=\"num\">Time</th></tr>\n");
        for (var i = 0; i < tests.Count; i++)
        {
            var test = tests[i];
            page.Raw("<tr id=\"").Raw(TestAnchors.Id(i)).Raw("\"><td class=\"outcome ").Raw(OutcomeClass(test.Outcome)).Raw("\">").Text(Label(test)).Raw("</td><td class=\"path\">")
                .Text(test.FullyQualifiedName);
            if (test.DisplayName != test.FullyQualifiedName && test.DisplayName.Length > 0)
            {
                page.Raw("<br><span class=\"muted\">").Text(test.DisplayName).Raw("</span>");
            }
            page.Raw("</td><td class=\"path muted\">").Text(Location(test.File, test.Line)).Raw("</td><td class=\"num\">").Raw(HtmlPage.Seconds(test.Seconds)).Raw("</td></tr>\n");
        }
        page.Raw("</table>\n");
        page.WriteTo(path);
    }

    private static void WriteFailure(HtmlPage page, ResultEntry test)
    {
        page.Raw("<div class=\"failure\"><div class=\"name\"><span class=\"outcome ").Raw(OutcomeClass(test.Outcome)).Raw("\">").Text(Label(test)).Raw("</span> ")
            .Text(test.FullyQualifiedName).Raw("</div>");
        page.Raw("<div class=\"muted\">").Text($"{test.Suite} · {test.Binary}").Raw("</div>");
        if (test.FailureMessage is { Length: > 0 } message)
        {
            page.Raw("<pre class=\"message\">").Text(message).Raw("</pre>");
        }
        var at = Location(test.FailureFile ?? test.File, test.FailureFile is not null ? test.FailureLine : test.Line);
        var exit = test.Signal is { } signal ? $"signal {signal}" : test.ExitCode is { } code ? $"exit code {code}" : null;
        if (at.Length > 0 || exit is not null)
        {
            page.Raw("<div>").Text(string.Join(" · ", new[] { at.Length > 0 ? "at " + at : null, exit }.Where(s => s is not null))).Raw("</div>");
        }
        Output(page, "standard output", test.StandardOutput);
        Output(page, "standard error", test.StandardError);
        page.Raw("</div>\n");
    }

    private static void Output(HtmlPage page, string stream, string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }
        var shown = text.Length > MaxOutputChars ? "…" + text[^MaxOutputChars..] : text;
        var lines = text.Count(c => c == '\n') + (text.EndsWith('\n') ? 0 : 1);
        page.Raw("<details><summary>").Text(string.Create(CultureInfo.InvariantCulture, $"{stream} ({lines} lines)")).Raw("</summary><pre>").Text(shown).Raw("</pre></details>");
    }

    private static string Label(ResultEntry test) => test.Outcome switch
    {
        TestOutcome.TimedOut => "timed out",
        TestOutcome.Passed when test.Flaky => "flaky",
        _ => test.Outcome.Name(),
    };

    private static string OutcomeClass(TestOutcome outcome) => Outcomes.Contains(outcome) ? outcome.Name() : "other";

    private static string Location(string? file, int? line) =>
        file is null ? "" : line is { } number ? $"{file}:{HtmlPage.Number(number)}" : file;

    private static int Count(IEnumerable<ResultEntry> tests, TestOutcome outcome) => tests.Count(t => t.Outcome == outcome);
}
