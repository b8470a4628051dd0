using System.CommandLine;
using System.Globalization;
using Harness.Core.Changes;
using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Reporters.Html;
using Harness.Reporters.Results;
using Harness.Reporters.Reports;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness report INPUT… [--out DIR] [--formats …] [--fail-under-lines P] [--fail-under-branches P] [--title T]
/// [--source-root DIR] [--path-map FROM=TO] [--strict] [--diff-base REF [--fail-under-patch P]]</c>: merges results and coverage files of any known format
/// (told by content) into one report, written in every format asked for.
/// </summary>
/// <remarks>
/// Exit codes: 0 reports written; 1 an input could not be read and <c>--strict</c> was given (nothing is written),
/// or no input could be read at all; 2 bad usage (unknown format, bad percentage or mapping, no such input, output
/// directory not writable, <c>--diff-base</c> outside git or unknown to it); 3 reports written but coverage is under a
/// <c>--fail-under-*</c> threshold (<c>--fail-under-patch</c>: the changed lines since <c>--diff-base</c>).
/// Every output path is a fixed name inside <c>--out</c>: nothing from an input's content is used to build one.
/// </remarks>
internal static class ReportCommand
{
    private static readonly string[] AllFormats = ["html", .. ReportWriters.Formats];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "Result or coverage files, or directories of them (results.json, harness-report.json, Cobertura, LCOV, gcov JSON, llvm-cov export JSON).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Directory for the reports.", DefaultValueFactory = _ => "harness-report" };
        var formats = new Option<string>("--formats") { Description = $"Comma-separated: {string.Join(',', AllFormats)}.", DefaultValueFactory = _ => string.Join(',', AllFormats) };
        var failUnderLines = new Option<string?>("--fail-under-lines") { Description = "Exit 3 (after writing the reports) when line coverage is below P percent." };
        var failUnderBranches = new Option<string?>("--fail-under-branches") { Description = "Exit 3 (after writing the reports) when branch coverage is below P percent." };
        var title = new Option<string>("--title") { Description = "Title of the HTML and markdown reports.", DefaultValueFactory = _ => "Coverage report" };
        var sourceRoot = new Option<string?>("--source-root") { Description = "Directory that relative source paths in the inputs are relative to." };
        var pathMaps = new Option<string[]>("--path-map") { Description = "FROM=TO: rewrite source paths starting with FROM (repeatable; for CI checkouts at other paths)." };
        var strict = new Option<bool>("--strict") { Description = "Fail (exit 1, no reports) when any input cannot be read, instead of reporting the others." };
        var diffBase = new Option<string?>("--diff-base") { Description = "Patch coverage: of the lines added or changed since REF (git diff plus uncommitted and untracked files of the current directory's repository), how many the coverage lists and ran." };
        var failUnderPatch = new Option<string?>("--fail-under-patch") { Description = "With --diff-base: exit 3 (after writing the reports) when patch coverage is below P percent." };
        var command = new Command("report", "Merge result and coverage files of any format into one report: HTML, Cobertura, LCOV, JSON, markdown, JUnit.")
        {
            inputs,
            output,
            formats,
            failUnderLines,
            failUnderBranches,
            title,
            sourceRoot,
            pathMaps,
            strict,
            diffBase,
            failUnderPatch,
        };
        command.SetAction(result => Run(new Settings(
            result.GetValue(inputs)!,
            result.GetValue(output)!,
            result.GetValue(formats)!,
            result.GetValue(failUnderLines),
            result.GetValue(failUnderBranches),
            result.GetValue(title)!,
            result.GetValue(sourceRoot),
            result.GetValue(pathMaps) ?? [],
            result.GetValue(strict))
        {
            DiffBase = result.GetValue(diffBase),
            FailUnderPatch = result.GetValue(failUnderPatch),
        }));
        return command;
    }

    private sealed record Settings(
        string[] Inputs, string Output, string Formats, string? FailUnderLines, string? FailUnderBranches, string Title, string? SourceRoot, string[] PathMaps, bool Strict)
    {
        public string? DiffBase { get; init; }

        public string? FailUnderPatch { get; init; }
    }

    private static int Run(Settings settings)
    {
        if (!TryParseUsage(settings, out var formats, out var lineThreshold, out var branchThreshold, out var paths)
            || !TryPercent("--fail-under-patch", settings.FailUnderPatch, out var patchThreshold))
        {
            return 2;
        }
        if (patchThreshold is not null && settings.DiffBase is null)
        {
            Console.Error.WriteLine("harness: --fail-under-patch needs --diff-base REF");
            return 2;
        }
        ChangeSet? changes = null;
        if (settings.DiffBase is { } reference)
        {
            try
            {
                changes = GitChanges.Since(GitChanges.Repository(Environment.CurrentDirectory), reference);
            }
            catch (ChangeException e)
            {
                Console.Error.WriteLine($"harness: --diff-base: {e.Message}");
                return 2;
            }
        }

        var files = new List<InputFile>();
        foreach (var input in settings.Inputs)
        {
            try
            {
                files.AddRange(ReportInputs.Expand(input));
            }
            catch (HarnessException e)
            {
                Console.Error.WriteLine(ErrorLine.For(e));
                return 2;
            }
        }

        var read = new List<ReportData>();
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                read.Add(ReportInputs.Read(file));
            }
            catch (ReportInputException e)
            {
                failures++;
                Console.Error.WriteLine(settings.Strict ? $"harness: {e.Message}" : $"harness: warning: {e.Message} (skipped)");
            }
        }
        if (failures > 0 && settings.Strict)
        {
            Console.Error.WriteLine($"harness: {failures} of {files.Count} inputs could not be read; --strict: no reports written");
            return 1;
        }
        if (read.Count == 0)
        {
            Console.Error.WriteLine(files.Count == 0 ? "harness: no result or coverage files in the inputs" : "harness: no input could be read");
            return 1;
        }

        var merged = ReportData.Merge(read);
        merged = merged with { Coverage = CoverageMerge.Normalize(merged.Coverage, paths) };
        if (changes is not null)
        {
            merged = merged with { Patch = PatchCoverage.From(merged.Coverage, changes) };
        }

        // Inputs are in memory now, so clearing the outputs of an earlier report is safe even where they were inputs.
        using var output = OutputDirectory.TryOpen(settings.Output, [.. AllFormats.Select(f => f == "html" ? "html" : ReportWriters.FileName(f))]);
        if (output is null)
        {
            return 2;
        }
        try
        {
            foreach (var format in formats)
            {
                if (format == "html")
                {
                    HtmlReportWriter.Write(merged, settings.Title, Path.Combine(settings.Output, "html"));
                    continue;
                }
                using var stream = File.Create(Path.Combine(settings.Output, ReportWriters.FileName(format)));
                ReportWriters.Write(format, merged, settings.Title, stream);
            }
            if (formats.Contains("markdown") && Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } stepSummary)
            {
                GitHubActions.AppendStepSummary(Path.Combine(settings.Output, ReportWriters.FileName("markdown")), stepSummary);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {settings.Output}: cannot write the reports: {e.Message}");
            return 2;
        }

        var coverage = merged.Coverage;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness: lines: {coverage.LinesCovered}/{coverage.LinesValid} ({Percent(coverage.LinesCovered, coverage.LinesValid)}), branches: {coverage.BranchesCovered}/{coverage.BranchesValid} ({Percent(coverage.BranchesCovered, coverage.BranchesValid)}), functions: {coverage.FunctionsCovered}/{coverage.FunctionsValid} in {coverage.Files.Count} files; tests: {merged.Tests.Count} ({merged.FailedTests.Count()} failed); {read.Count} inputs; reports in {settings.Output}"));

        var below = merged.Patch is { } patch && PatchBelow(patch, patchThreshold);
        if ((lineThreshold is not null || branchThreshold is not null) && coverage.LinesValid == 0 && coverage.BranchesValid == 0)
        {
            // No data cannot meet a threshold: a CI job whose coverage silently went missing must not pass the gate.
            Console.Error.WriteLine("harness: no input has any coverage data (no executable lines): coverage thresholds not met");
            return 3;
        }
        if (lineThreshold is { } lines && coverage.LinesValid > 0 && 100.0 * coverage.LinesCovered / coverage.LinesValid < lines)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"harness: line coverage {Percent(coverage.LinesCovered, coverage.LinesValid)} is below {lines}%"));
            below = true;
        }
        if (branchThreshold is { } branches)
        {
            if (coverage.BranchesValid == 0)
            {
                Console.Error.WriteLine("harness: warning: no input has branch data; --fail-under-branches not checked");
            }
            else if (100.0 * coverage.BranchesCovered / coverage.BranchesValid < branches)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"harness: branch coverage {Percent(coverage.BranchesCovered, coverage.BranchesValid)} is below {branches}%"));
                below = true;
            }
        }
        return below ? 3 : 0;
    }

    /// <summary>Prints the patch coverage per file and in total; whether it is below <paramref name="threshold"/>.</summary>
    private static bool PatchBelow(PatchCoverage patch, double? threshold)
    {
        foreach (var file in patch.Files)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"harness: patch: {file.Path}: {file.Covered.Count}/{file.Coverable} ({Percent(file.Covered.Count, file.Coverable)}){(file.Uncovered.Count > 0 ? $", not run: {file.UncoveredRanges}" : "")}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness: patch coverage since {patch.Base}: {patch.Covered}/{patch.Coverable} changed lines ({Percent(patch.Covered, patch.Coverable)}) in {patch.Files.Count} files"));
        if (threshold is not { } percent)
        {
            return false;
        }
        if (patch.Coverable == 0)
        {
            // A change of comments, docs or build files has nothing to cover: it cannot fall short.
            Console.Error.WriteLine("harness: no changed line is coverable; --fail-under-patch met");
            return false;
        }
        if (100.0 * patch.Covered / patch.Coverable >= percent)
        {
            return false;
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"harness: patch coverage {Percent(patch.Covered, patch.Coverable)} is below {percent}%"));
        return true;
    }

    private static bool TryParseUsage(Settings settings, out List<string> formats, out double? lineThreshold, out double? branchThreshold, out PathNormalizer paths)
    {
        formats = [.. settings.Formats.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).Distinct()];
        lineThreshold = null;
        branchThreshold = null;
        paths = PathNormalizer.None;
        var unknown = formats.Where(f => !AllFormats.Contains(f)).ToList();
        if (unknown.Count > 0 || formats.Count == 0)
        {
            Console.Error.WriteLine($"harness: unknown report format '{string.Join(',', unknown)}'; known formats: {string.Join(',', AllFormats)}");
            return false;
        }
        if (!TryPercent("--fail-under-lines", settings.FailUnderLines, out lineThreshold) || !TryPercent("--fail-under-branches", settings.FailUnderBranches, out branchThreshold))
        {
            return false;
        }
        var maps = new List<(string, string)>();
        foreach (var text in settings.PathMaps)
        {
            if (!PathNormalizer.TryParseMap(text, out var map))
            {
                Console.Error.WriteLine($"harness: --path-map {text}: expected FROM=TO");
                return false;
            }
            maps.Add(map);
        }
        var root = settings.SourceRoot is null ? null : Path.GetFullPath(settings.SourceRoot);
        paths = new PathNormalizer(root, maps);
        return true;
    }

    private static bool TryPercent(string option, string? text, out double? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }
        if (!double.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or > 100 || double.IsNaN(percent))
        {
            Console.Error.WriteLine($"harness: {option} {text}: expected a percentage from 0 to 100");
            return false;
        }
        value = percent;
        return true;
    }

    private static string Percent(int covered, int valid) => CoveragePercent.Format(covered, valid);
}
