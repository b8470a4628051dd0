using System.Globalization;
using System.Text;
using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Reports;

namespace Harness.Reporters.Reports;

/// <summary>
/// A GitHub-flavoured markdown summary for pull-request comments and <c>$GITHUB_STEP_SUMMARY</c>: totals, patch
/// coverage (with <c>--diff-base</c>: the changed lines per file, uncovered ones as ranges), failed tests, the
/// worst-covered files, and a per-file table.
/// </summary>
/// <remarks>
/// Paths, names and messages are untrusted: markdown and HTML metacharacters are backslash-escaped or written as
/// entities so that a file called <c>&lt;script&gt;</c> or <c>a|b</c> neither runs nor breaks the table, and newlines
/// become spaces. Long tables are cut (<see cref="MaxFiles"/> rows) so the summary stays within GitHub's 1 MiB limit.
/// </remarks>
public sealed class MarkdownWriter : IReportWriter
{
    public const string FileName = "summary.md";

    string IReportWriter.Name => "markdown";

    string IReportWriter.FileName => FileName;

    void IReportWriter.Write(ReportData data, ReportOptions options, Stream output) => Write(data, options.Title, output);

    public const int MaxFiles = 200;

    private const int WorstCount = 5;

    private const int MaxFailedTests = 50;

    public static void Write(ReportData data, string title, Stream output)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(output);
        var text = new StringBuilder();
        var coverage = data.Coverage;
        text.Append("# ").Append(Escape(title)).Append("\n\n");

        text.Append("| | covered | total | % |\n|---|---:|---:|---:|\n");
        Row(text, "Lines", coverage.LinesCovered, coverage.LinesValid);
        Row(text, "Branches", coverage.BranchesCovered, coverage.BranchesValid);
        Row(text, "Functions", coverage.FunctionsCovered, coverage.FunctionsValid);
        var failed = data.FailedTests.ToList();
        if (data.Tests.Count > 0)
        {
            text.Append(Invariant($"| Tests passed | {data.Tests.Count(t => t.Outcome == TestOutcome.Passed)} | {data.Tests.Count} | {Percent(data.Tests.Count(t => t.Outcome == TestOutcome.Passed), data.Tests.Count)} |\n"));
        }
        if (data.Patch is { } patchTotals)
        {
            Row(text, Invariant($"Changed lines since `{Code(patchTotals.Base)}`"), patchTotals.Covered, patchTotals.Coverable);
        }
        text.Append('\n');

        if (data.Patch is { Files.Count: > 0 } patch)
        {
            text.Append(Invariant($"## Patch coverage: {Percent(patch.Covered, patch.Coverable)} of changed lines\n\n| changed file | covered | coverable | % | uncovered changed lines |\n|---|---:|---:|---:|---|\n"));
            foreach (var file in patch.Files.Take(MaxFiles))
            {
                text.Append(Invariant($"| `{Code(file.Path)}` | {file.Covered.Count} | {file.Coverable} | {Percent(file.Covered.Count, file.Coverable)} | {(file.Uncovered.Count == 0 ? "" : Escape(file.UncoveredRanges))} |\n"));
            }
            text.Append(Invariant($"| **total** | {patch.Covered} | {patch.Coverable} | {Percent(patch.Covered, patch.Coverable)} | |\n\n"));
        }

        if (failed.Count > 0)
        {
            text.Append(Invariant($"## Failed tests ({failed.Count})\n\n"));
            foreach (var test in failed.Take(MaxFailedTests))
            {
                var where = test.FailureFile is null ? "" : Invariant($" at `{Code(test.FailureFile)}:{test.FailureLine}`");
                var message = test.FailureMessage is null ? "" : " — " + Escape(Shorten(test.FailureMessage, 200));
                text.Append(Invariant($"- **{Escape(test.FullyQualifiedName)}** ({test.Outcome.Name()}){where}{message}\n"));
            }
            if (failed.Count > MaxFailedTests)
            {
                text.Append(Invariant($"- … and {failed.Count - MaxFailedTests} more\n"));
            }
            text.Append('\n');
        }

        var files = coverage.Files.Where(f => f.LinesValid > 0).ToList();
        if (files.Count > 0)
        {
            var worst = files.OrderBy(f => (double)f.LinesCovered / f.LinesValid).ThenByDescending(f => f.LinesValid - f.LinesCovered).ThenBy(f => f.Path, StringComparer.Ordinal).Take(WorstCount).ToList();
            text.Append("## Worst-covered files\n\n| file | lines | uncovered |\n|---|---:|---:|\n");
            foreach (var file in worst)
            {
                text.Append(Invariant($"| `{Code(file.Path)}` | {Percent(file.LinesCovered, file.LinesValid)} | {file.LinesValid - file.LinesCovered} |\n"));
            }
            text.Append("\n## Files\n\n| file | lines | branches | functions |\n|---|---:|---:|---:|\n");
            foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal).Take(MaxFiles))
            {
                text.Append(Invariant($"| `{Code(file.Path)}` | {Fraction(file.LinesCovered, file.LinesValid)} | {Fraction(file.BranchesCovered, file.BranchesValid)} | {Fraction(file.FunctionsCovered, file.Functions.Count)} |\n"));
            }
            if (files.Count > MaxFiles)
            {
                text.Append(Invariant($"\n{files.Count - MaxFiles} more files are in the full report.\n"));
            }
        }
        var bytes = new UTF8Encoding(false).GetBytes(text.ToString());
        output.Write(bytes);
    }

    private static void Row(StringBuilder text, string name, int covered, int valid) =>
        text.Append(Invariant($"| {name} | {covered} | {valid} | {Percent(covered, valid)} |\n"));

    private static string Fraction(int covered, int valid) => valid == 0 ? CoveragePercent.NoData : Invariant($"{covered}/{valid} ({Percent(covered, valid)})");

    /// <summary>The one rounding rule (<see cref="CoveragePercent"/>): floored to one decimal, "n/a" for nothing.</summary>
    public static string Percent(int covered, int valid) => CoveragePercent.Format(covered, valid);

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    // Inside a code span only the backtick and the table's pipe matter; HTML is not interpreted there, but GitHub
    // still splits table cells on '|'. Backticks become U+02CB so the span cannot be closed early.
    private static string Code(string text) => OneLine(text).Replace('`', '\u02CB').Replace("|", "\\|", StringComparison.Ordinal);

    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in OneLine(text))
        {
            switch (c)
            {
                case '<':
                    escaped.Append("&lt;");
                    break;
                case '>':
                    escaped.Append("&gt;");
                    break;
                case '&':
                    escaped.Append("&amp;");
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '!' or '~':
                    escaped.Append('\\').Append(c);
                    break;
                default:
                    escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }

    private static string OneLine(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        }
    });

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
