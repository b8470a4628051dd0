using System.Globalization;
using System.Text;
using Harness.Core.Coverage;
using Harness.Core.Reports;

namespace Harness.Reporters.Html;

/// <summary><c>index.html</c> (totals, files by module) and one page per source file.</summary>
internal static class CoveragePages
{
    /// <summary>Files larger than this are listed without source: a report input may point at anything.</summary>
    private const long MaxSourceBytes = 16 << 20;

    public static void Write(ReportData data, string title, TestAnchors tests, string directory)
    {
        var coverage = data.Coverage;
        var root = CommonDirectory(coverage.Files.Select(f => f.Path));
        var hasBranches = coverage.BranchesValid > 0;
        var page = new HtmlPage(title, "Coverage", HtmlPage.IndexPage);
        page.Raw("<h2>Summary</h2>\n<table class=\"summary\">");
        Row(page, "Generated:", coverage.Timestamp == DateTimeOffset.UnixEpoch ? "–" : coverage.Timestamp.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Row(page, "Files:", HtmlPage.Number(coverage.Files.Count));
        Row(page, "Covered lines:", HtmlPage.Number(coverage.LinesCovered));
        Row(page, "Coverable lines:", HtmlPage.Number(coverage.LinesValid));
        Row(page, "Line coverage:", HtmlPage.Percent(coverage.LinesCovered, coverage.LinesValid));
        if (hasBranches)
        {
            Row(page, "Covered branches:", HtmlPage.Number(coverage.BranchesCovered));
            Row(page, "Total branches:", HtmlPage.Number(coverage.BranchesValid));
            Row(page, "Branch coverage:", HtmlPage.Percent(coverage.BranchesCovered, coverage.BranchesValid));
        }
        if (coverage.FunctionsValid > 0)
        {
            Row(page, "Covered functions:", $"{HtmlPage.Number(coverage.FunctionsCovered)} of {HtmlPage.Number(coverage.FunctionsValid)}");
        }
        if (data.Tests.Count > 0)
        {
            var failed = data.FailedTests.Count();
            page.Raw("<tr><th>Tests:</th><td><a href=\"").Raw(HtmlPage.TestsPage).Raw("\">")
                .Text(string.Create(CultureInfo.InvariantCulture, $"{data.Tests.Count} tests, {failed} failed")).Raw("</a></td></tr>");
        }
        if (data.Patch is { } patchTotals)
        {
            Row(page, "Patch coverage:", $"{HtmlPage.Percent(patchTotals.Covered, patchTotals.Coverable)} ({HtmlPage.Number(patchTotals.Covered)} of {HtmlPage.Number(patchTotals.Coverable)} changed lines since {HtmlPage.Escape(patchTotals.Base)})");
        }
        page.Raw("</table>\n");
        if (data.Patch is { Files.Count: > 0 } patch)
        {
            page.Raw("<h2>Patch coverage</h2>\n<table><tr><th>Changed file</th><th class=\"num\">Covered</th><th class=\"num\">Coverable</th><th class=\"num\">Lines</th><th>Uncovered changed lines</th></tr>\n");
            foreach (var file in patch.Files)
            {
                page.Raw("<tr><td class=\"path\">").Text(file.Path).Raw("</td><td class=\"num\">").Raw(HtmlPage.Number(file.Covered.Count))
                    .Raw("</td><td class=\"num\">").Raw(HtmlPage.Number(file.Coverable)).Raw("</td><td class=\"num\">").Raw(HtmlPage.Percent(file.Covered.Count, file.Coverable))
                    .Raw("</td><td>").Text(file.UncoveredRanges).Raw("</td></tr>\n");
            }
            page.Raw("</table>\n");
        }
        if (coverage.Files.Count == 0)
        {
            page.Raw("<p class=\"muted\">The inputs held no coverage.</p>\n");
        }
        else if (root.Length > 0)
        {
            page.Raw("<p class=\"muted\">Paths below are relative to ").Text(root).Raw("</p>\n");
        }

        foreach (var module in coverage.Files.Select((file, i) => (File: file, Index: i)).GroupBy(f => f.File.Module, StringComparer.Ordinal))
        {
            var files = module.Select(f => f.File).ToList();
            page.Raw("<h2>").Text(module.Key.Length > 0 ? module.Key : "Files").Raw("</h2>\n<table><tr><th>File</th><th class=\"num\">Covered</th><th class=\"num\">Coverable</th><th class=\"num\">Lines</th><th></th>");
            if (hasBranches)
            {
                page.Raw("<th class=\"num\">Branches</th><th class=\"num\">Branch %</th>");
            }
            page.Raw("<th class=\"num\">Functions</th></tr>\n");
            foreach (var (file, fileIndex) in module)
            {
                page.Raw("<tr><td class=\"path\"><a href=\"").Raw(FilePageName(fileIndex)).Raw("\">").Text(Relative(file.Path, root)).Raw("</a></td>")
                    .Raw("<td class=\"num\">").Raw(HtmlPage.Number(file.LinesCovered)).Raw("</td><td class=\"num\">").Raw(HtmlPage.Number(file.LinesValid)).Raw("</td>")
                    .Raw("<td class=\"num\">").Raw(HtmlPage.Percent(file.LinesCovered, file.LinesValid)).Raw("</td><td class=\"num\">").Raw(HtmlPage.Bar(file.LinesCovered, file.LinesValid)).Raw("</td>");
                if (hasBranches)
                {
                    page.Raw("<td class=\"num\">").Raw(file.BranchesValid == 0 ? "–" : $"{HtmlPage.Number(file.BranchesCovered)}/{HtmlPage.Number(file.BranchesValid)}")
                        .Raw("</td><td class=\"num\">").Raw(HtmlPage.Percent(file.BranchesCovered, file.BranchesValid)).Raw("</td>");
                }
                page.Raw("<td class=\"num\">").Raw(file.Functions.Count == 0 ? "–" : $"{HtmlPage.Number(file.FunctionsCovered)}/{HtmlPage.Number(file.Functions.Count)}").Raw("</td></tr>\n");
                WriteFilePage(file, Relative(file.Path, root), title, tests, Path.Combine(directory, FilePageName(fileIndex)));
            }
            page.Raw("</table>\n");
        }
        page.WriteTo(Path.Combine(directory, HtmlPage.IndexPage));
    }

    private static void WriteFilePage(FileCoverage file, string shownPath, string title, TestAnchors tests, string path)
    {
        var page = new HtmlPage(title, shownPath, "");
        page.Raw("<h2 class=\"path\">").Text(file.Path).Raw("</h2>\n<p>").Text(file.Module.Length > 0 ? file.Module + " · " : "")
            .Raw(string.Create(CultureInfo.InvariantCulture, $"lines {file.LinesCovered} of {file.LinesValid} covered ({HtmlPage.Percent(file.LinesCovered, file.LinesValid)})"));
        var hasBranches = file.BranchesValid > 0;
        if (hasBranches)
        {
            page.Raw(string.Create(CultureInfo.InvariantCulture, $" · branches {file.BranchesCovered} of {file.BranchesValid} taken ({HtmlPage.Percent(file.BranchesCovered, file.BranchesValid)})"));
        }
        page.Raw("</p>\n");
        if (file.Functions.Count > 0)
        {
            page.Raw("<details><summary>").Raw(string.Create(CultureInfo.InvariantCulture, $"Functions: {file.FunctionsCovered} of {file.Functions.Count} ran"))
                .Raw("</summary><table><tr><th>Function</th><th class=\"num\">Line</th><th class=\"num\">Ran</th></tr>\n");
            foreach (var function in file.Functions.OrderBy(f => f.Line))
            {
                page.Raw("<tr><td class=\"path\"><a href=\"#file0_line").Raw(HtmlPage.Number(function.Line)).Raw("\">").Text(function.Name).Raw("</a></td><td class=\"num\">")
                    .Raw(HtmlPage.Number(function.Line)).Raw("</td><td class=\"num\">").Raw(!function.HasCode ? "no code" : function.Hits > 0 ? "yes" : "no").Raw("</td></tr>\n");
            }
            page.Raw("</table></details>\n");
        }

        var source = ReadSource(file.Path);
        if (source is null)
        {
            page.Raw("<p class=\"muted\">Source not found on this machine: only the coverable lines are listed.</p>\n");
        }
        var hasTests = file.Lines.Any(l => l.Tests is { Count: > 0 });
        page.Raw("<table class=\"source\"><colgroup><col class=\"hits\"><col class=\"number\">").Raw(hasBranches ? "<col class=\"branches\">" : "")
            .Raw("<col>").Raw(hasTests ? "<col class=\"tests\">" : "").Raw("</colgroup>\n<tr><th>Hits</th><th>Line</th>").Raw(hasBranches ? "<th>Branches</th>" : "")
            .Raw("<th>Source</th>").Raw(hasTests ? "<th>Covered by tests</th>" : "").Raw("</tr>\n");
        var lines = file.Lines.ToDictionary(l => l.Line);
        var last = Math.Max(source?.Length ?? 0, file.Lines.Count == 0 ? 0 : file.Lines.Max(l => l.Line));
        var row = new StringBuilder();
        for (var number = 1; number <= last; number++)
        {
            if (source is null && !lines.ContainsKey(number))
            {
                continue;
            }
            row.Clear();
            var text = source is not null && number <= source.Length ? source[number - 1] : "";
            var hasLine = lines.TryGetValue(number, out var line);
            var anchor = "file0_line" + HtmlPage.Number(number);
            row.Append("<tr>");
            row.Append(hasLine ? $"<td class=\"hits {LineClass(line)}\">{HtmlPage.Number(line.Hits)}</td>" : "<td></td>");
            row.Append("<td class=\"number\"><a id=\"").Append(anchor).Append("\" href=\"#").Append(anchor).Append("\">").Append(HtmlPage.Number(number)).Append("</a></td>");
            if (hasBranches)
            {
                row.Append(hasLine && line.Branches is { Count: > 0 } arms
                    ? $"<td title=\"branch arms taken\">{HtmlPage.Number(arms.Count(a => a.IsTaken))}/{HtmlPage.Number(arms.Count)}</td>"
                    : "<td></td>");
            }
            // Spaces as no-break spaces: indentation survives wrapping and copy-paste shows the code as written.
            row.Append("<td class=\"code\">").Append(HtmlPage.Escape(text.Replace("\t", "    ", StringComparison.Ordinal)).Replace(" ", "&nbsp;", StringComparison.Ordinal)).Append("</td>");
            if (hasTests)
            {
                row.Append("<td class=\"tests\">").Append(hasLine && line.Tests is { Count: > 0 } names ? TestsCell(names, tests) : "").Append("</td>");
            }
            row.Append("</tr>\n");
            page.Raw(row.ToString());
        }
        page.Raw("</table>\n");
        page.WriteTo(path);
    }

    private static string TestsCell(IReadOnlyList<string> names, TestAnchors tests)
    {
        if (names.Count == 1)
        {
            return tests.Link(names[0]);
        }
        var cell = new StringBuilder("<details><summary>").Append(HtmlPage.Number(names.Count)).Append(" tests</summary><ul>");
        foreach (var name in names)
        {
            cell.Append("<li>").Append(tests.Link(name)).Append("</li>");
        }
        return cell.Append("</ul></details>").ToString();
    }

    /// <summary>Green when the line ran (and every branch arm on it was taken), orange when it ran but an arm was not, red when it did not run.</summary>
    private static string LineClass(LineCoverage line) =>
        !line.IsCovered ? "lightred" : line.Branches is { Count: > 0 } arms && arms.Any(a => !a.IsTaken) ? "lightorange" : "lightgreen";

    private static string[]? ReadSource(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length <= MaxSourceBytes ? File.ReadAllLines(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static void Row(HtmlPage page, string header, string value) =>
        page.Raw("<tr><th>").Text(header).Raw("</th><td>").Text(value).Raw("</td></tr>");

    private static string FilePageName(int index) => "file" + HtmlPage.Number(index) + ".html";

    /// <summary>The deepest directory every path is under (with a trailing slash), or "" when they share none but the root.</summary>
    internal static string CommonDirectory(IEnumerable<string> paths)
    {
        string[]? common = null;
        foreach (var path in paths)
        {
            var parts = path.Split('/');
            var directories = parts[..^1];
            if (common is null)
            {
                common = directories;
                continue;
            }
            var length = 0;
            while (length < common.Length && length < directories.Length && common[length] == directories[length])
            {
                length++;
            }
            common = common[..length];
        }
        return common is null || common.Length <= 1 ? "" : string.Join('/', common) + "/";
    }

    private static string Relative(string path, string root) =>
        root.Length > 0 && path.StartsWith(root, StringComparison.Ordinal) ? path[root.Length..] : path;
}
