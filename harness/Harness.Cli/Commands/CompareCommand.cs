using System.CommandLine;
using System.Globalization;
using Harness.Core.History;
using Harness.Core.History.Comparison;
using Harness.Reporters.Timing;
using Spectre.Console;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness compare</c>: is each test slower, faster or unchanged between two runs, commits or files? Given two
/// <c>profile.json</c> files, which functions' share of each test's time moved (<see cref="ProfileComparisonOutput"/>).
/// Exit 0 when nothing regressed, 4 when a test is slower beyond the threshold with the given confidence,
/// 2 on usage errors or when a side cannot be found.
/// </summary>
internal static class CompareCommand
{
    public const int RegressionExitCode = 4;

    public static Command Create()
    {
        var baseline = new Option<string?>("--baseline") { Description = "Run id, latest~N, commit (all its runs), or a file: results.json, JUnit XML, CTestCostData.txt, or a profile.json to compare per-function profiles with --current's (default: the run before --current; all runs of its commit when that differs from the current one)." };
        var current = new Option<string?>("--current") { Description = "Run id, latest~N, commit, or a file (default: the latest run)." };
        var threshold = new Option<string>("--threshold") { Description = "Smallest change that counts, e.g. 5% or 0.05 (a test's own noise raises it).", DefaultValueFactory = _ => "5%" };
        var confidence = new Option<double>("--confidence") { Description = "How sure a slower/faster verdict must be.", DefaultValueFactory = _ => 0.99 };
        var format = new Option<string>("--format") { Description = "table, markdown, json or html.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "markdown", "json", "html");
        var output = new Option<string?>("--out") { Description = "Write the report to this file instead of stdout." };
        var suite = new Argument<string?>("SUITE") { Description = "The suite whose timing history to read (as given to harness test; default: the current directory).", Arity = ArgumentArity.ZeroOrOne };
        var history = new Option<string?>("--history") { Description = TestHistory.OptionDescription };
        var trend = new Option<int>("--trend") { Description = "Runs in the HTML trend plots.", DefaultValueFactory = _ => 20 };
        var command = new Command("compare", "Compare test timings between runs, commits or files: slower, faster or unchanged, with confidence intervals.")
        {
            suite, baseline, current, threshold, confidence, format, output, history, trend,
        };
        command.SetAction(result => Run(
            result.GetValue(baseline), result.GetValue(current), result.GetValue(threshold)!, result.GetValue(confidence),
            result.GetValue(format)!, result.GetValue(output),
            TestHistory.PathFor(result.GetValue(history), result.GetValue(suite) is { } given ? [given] : null), result.GetValue(trend)));
        return command;
    }

    private static int Run(string? baselineSpec, string? currentSpec, string thresholdText, double confidence, string format, string? output, string historyPath, int trendRuns)
    {
        if (!TryParseThreshold(thresholdText, out var threshold) || confidence is <= 0 or >= 1 || trendRuns < 1)
        {
            Console.Error.WriteLine("harness: --threshold must be a percentage ≥ 0 (5% or 0.05), --confidence between 0 and 1, --trend ≥ 1");
            return 2;
        }
        if (ProfileComparisonOutput.IsProfile(baselineSpec) && ProfileComparisonOutput.IsProfile(currentSpec))
        {
            // Two profiles: per-function shares move by at least the threshold, in share points.
            return ProfileComparisonOutput.Run(baselineSpec!, currentSpec!, threshold, format, output);
        }
        try
        {
            using var store = File.Exists(historyPath) ? SqliteHistoryStore.Open(historyPath) : null;
            var sources = new SampleSources(store, Environment.CurrentDirectory);
            var (currentSource, currentRun) = sources.Current(currentSpec);
            var baselineSource = sources.Baseline(baselineSpec, currentRun);
            baselineSource = NameMatching.Align(baselineSource, [.. currentSource.Sets.Select(s => s.Name)]);
            currentSource = NameMatching.Align(currentSource, [.. baselineSource.Sets.Select(s => s.Name)]);
            var report = TimingComparer.Compare(baselineSource, currentSource, new ComparisonOptions(threshold, confidence));
            var trends = store is not null && currentRun is not null && format == "html"
                ? TimingTrend.Read(store, currentRun.Id, trendRuns, [.. report.Items.Select(i => i.Name)])
                : new Dictionary<string, IReadOnlyList<TrendPoint>>();
            Write(report, trends, format, output);
            return report.AnySlower ? RegressionExitCode : 0;
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {output}: cannot write the report: {e.Message}");
            return 2;
        }
    }

    private static void Write(ComparisonReport report, IReadOnlyDictionary<string, IReadOnlyList<TrendPoint>> trends, string format, string? output)
    {
        if (format == "table" && output is null)
        {
            Table(report);
            return;
        }
        using var stream = output is null ? Console.OpenStandardOutput() : File.Create(output);
        using (var text = new StreamWriter(stream, leaveOpen: true))
        {
            switch (format)
            {
                case "json":
                    text.Flush();
                    ComparisonJsonWriter.Write(report, stream);
                    break;
                case "html":
                    ComparisonHtmlWriter.Write(report, trends, text);
                    break;
                default: // markdown, or a table written to a file
                    ComparisonMarkdownWriter.Write(report, text);
                    break;
            }
        }
        if (output is not null)
        {
            Console.WriteLine($"harness: {TimingText.Summary(report)}; report in {output}");
        }
    }

    /// <summary>The console table, worst first, slower rows in red.</summary>
    private static void Table(ComparisonReport report)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 240; // a pipe or a CI log: no terminal to wrap test names at 80 columns
        }
        AnsiConsole.MarkupLine($"baseline: {Markup.Escape(report.Baseline)}");
        AnsiConsole.MarkupLine($"current:  {Markup.Escape(report.Current)}");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("test", "verdict", "baseline", "current", "change", "interval", "noise", "samples");
        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }
        foreach (var item in report.Items)
        {
            var verdict = TimingText.Verdict(item.Verdict);
            var style = item.Verdict switch { Verdict.Slower => "red bold", Verdict.Faster => "green", Verdict.InsufficientSamples => "grey", _ => "default" };
            table.AddRow(
                Markup.Escape(item.Name), $"[{style}]{verdict}[/]", TimingText.Duration(item.BaselineMedian), TimingText.Duration(item.CurrentMedian),
                TimingText.Change(item.Ratio), Markup.Escape(TimingText.Interval(item)), TimingText.Percent(item.Noise), $"{item.Baseline.Count} → {item.Current.Count}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(TimingText.Summary(report));
    }

    private static bool TryParseThreshold(string text, out double threshold)
    {
        var percent = text.EndsWith('%');
        var ok = double.TryParse(percent ? text[..^1] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold);
        threshold = percent ? threshold / 100 : threshold;
        return ok && threshold >= 0 && double.IsFinite(threshold);
    }
}
