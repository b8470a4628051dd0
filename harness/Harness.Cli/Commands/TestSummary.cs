using System.Globalization;
using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Reporters.Results;
using Spectre.Console;

namespace Harness.Cli.Commands;

/// <summary>
/// What <c>harness test</c> prints on stdout once the run finished, as a sink of its last event: a table per binary,
/// a <c>FAILED</c> line per failing test (and under GitHub Actions its <c>::error</c> annotation), the totals, and the
/// coverage line (its warnings on stderr).
/// </summary>
/// <param name="output">The results directory as given (<c>--out</c>).</param>
/// <param name="environment">Where <c>GITHUB_ACTIONS</c>, <c>GITHUB_WORKSPACE</c> and <c>COLUMNS</c> are read.</param>
internal sealed class TestSummary(string output, Func<string, string?> environment) : IRunSink
{
    /// <summary>Tests the history knows as flaky (<c>--quarantine-flaky</c>): their failures count as flaky, not failed.</summary>
    public IReadOnlySet<string> Quarantined { get; init; } = new HashSet<string>();

    /// <summary>Whether the run was <c>--affected</c>: then say how many tests the change reached.</summary>
    public bool Affected { get; init; }

    /// <summary>Table width with no terminal and no <c>COLUMNS</c> (a pipe, a CI log): wide, so names are seldom wrapped.</summary>
    private const int UnmeasuredWidth = 240;

    /// <summary>The narrowest the binary column gets, however many outcome columns there are.</summary>
    private const int MinimumNameWidth = 16;

    public void Handle(RunEvent runEvent)
    {
        if (runEvent is not RunFinished { Summary: var summary })
        {
            return;
        }
        var results = summary.Results;
        Console.WriteLine();
        Console.Write(Table(results, Width()));
        var annotate = GitHubActions.IsActive(environment);
        var quarantined = summary.Failed.Where(f => Quarantined.Contains(f.Test.FullyQualifiedName)).ToList();
        foreach (var failure in summary.Failed.Where(f => !Quarantined.Contains(f.Test.FullyQualifiedName)))
        {
            var result = failure.Result;
            Console.WriteLine($"FAILED {failure.Test.FullyQualifiedName}: {result.FailureMessage}{(result.FailureFile is { } f ? $" (at {f}:{result.FailureLine})" : "")}");
            if (annotate)
            {
                Console.WriteLine(GitHubActions.Error(ResultEntry.From(failure), environment("GITHUB_WORKSPACE")));
            }
        }
        int Count(TestOutcome outcome) => results.Count(r => r.Outcome == outcome);
        // Tests --affected left out are not-run too, but nothing stopped the run before them.
        var stopped = Count(TestOutcome.Cancelled) + Count(TestOutcome.NotRun) - summary.NotAffected > 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness: {results.Count} tests: {Count(TestOutcome.Passed)} passed ({results.Count(r => r.IsFlaky) + quarantined.Count} flaky), {Count(TestOutcome.Failed)} failed, {Count(TestOutcome.Crashed)} crashed, {Count(TestOutcome.TimedOut)} timed out, {Count(TestOutcome.Skipped)} skipped{(stopped ? $", {Count(TestOutcome.Cancelled)} cancelled, {Count(TestOutcome.NotRun)} not run" : "")} in {summary.Elapsed.TotalSeconds:F2} s; results in {DisplayPath.For(output)}"));
        if (Affected)
        {
            Console.WriteLine($"harness: --affected: {summary.Selected} of {summary.Selected + summary.NotAffected} tests affected, {summary.NotAffected} skipped (not-run in results.json)");
        }
        if (quarantined.Count > 0)
        {
            Console.WriteLine($"harness: quarantined (flaky in history, not failing the run): {string.Join(", ", quarantined.Select(f => f.Test.FullyQualifiedName))}");
        }
        if (stopped)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"harness: {(summary.Cancelled ? "interrupted" : "stopped by --fail-fast")}: {results.Count(r => r.Outcome.Ran())} of {results.Count} ran"));
        }
        if (summary is { Coverage: { } collector, CoverageReport: { } report })
        {
            CoverageSummary.PrintWarnings(collector.Planner);
            Console.WriteLine($"harness: {CoverageSummary.Lines(report)}");
        }
    }

    /// <summary>
    /// Per binary: passed, failed, the other outcomes only when some binary has them, and the summed time; at most
    /// <paramref name="width"/> columns wide, long binary names wrapped (at a <c>.</c>, <c>_</c>, <c>-</c> or <c>/</c> where
    /// one is near) rather than any column squeezed.
    /// </summary>
    internal static string Table(IReadOnlyList<FinishedTest> results, int width)
    {
        var binaries = results.GroupBy(r => $"{r.Test.Binary.Suite}.{r.Test.Binary.BinaryId}")
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        // The time is the binary's test durations added up: tests that ran in parallel overlap, so it can exceed the
        // run's wall time on the totals line.
        (string Header, bool Always, Func<IEnumerable<FinishedTest>, string> Value)[] counts =
        [
            ("passed", true, Counter(TestOutcome.Passed)),
            ("failed", true, Counter(TestOutcome.Failed)),
            ("crashed", false, Counter(TestOutcome.Crashed)),
            ("timed\nout", false, Counter(TestOutcome.TimedOut)),
            ("skipped", false, Counter(TestOutcome.Skipped)),
            ("flaky", false, tests => tests.Count(r => r.IsFlaky).ToString(CultureInfo.InvariantCulture)),
            ("cancelled", false, Counter(TestOutcome.Cancelled)),
            ("not\nrun", false, Counter(TestOutcome.NotRun)),
            ("time s\n(sum)", true, tests => tests.Sum(r => r.Result.Duration.TotalSeconds).ToString("F2", CultureInfo.InvariantCulture)),
        ];
        var shown = counts.Where(c => c.Always || binaries.Any(b => c.Value(b) != "0")).ToList();
        var cells = binaries.Select(b => shown.Select(c => c.Value(b)).ToList()).ToList();
        var numberWidths = shown.Select((c, i) => Math.Max(c.Header.Split('\n').Max(l => l.Length), cells.Select(row => row[i].Length).DefaultIfEmpty(0).Max())).ToList();
        // Simple border: a space at each edge, one of padding on each side of every cell, one between columns.
        var overhead = 3 * (shown.Count + 1) + 1;
        var nameWidth = Math.Max(MinimumNameWidth, Math.Min(binaries.Select(b => b.Key.Length).DefaultIfEmpty(6).Max(), width - overhead - numberWidths.Sum()));

        var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("binary").NoWrap());
        foreach (var (header, _, _) in shown)
        {
            table.AddColumn(new TableColumn(header).RightAligned().NoWrap());
        }
        for (var i = 0; i < binaries.Count; i++)
        {
            table.AddRow([Markup.Escape(string.Join('\n', Wrap(binaries[i].Key, nameWidth))), .. cells[i]]);
        }
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(text),
        });
        // Never narrower than the table: when even the shortest names do not fit, lines run long rather than columns shrink.
        console.Profile.Width = Math.Max(width, nameWidth + overhead + numberWidths.Sum());
        console.Write(table);
        return text.ToString();
    }

    private static Func<IEnumerable<FinishedTest>, string> Counter(TestOutcome outcome) =>
        tests => tests.Count(r => r.Outcome == outcome).ToString(CultureInfo.InvariantCulture);

    /// <summary>Lines of at most <paramref name="width"/> characters, broken after the last separator that leaves a line at least half full.</summary>
    internal static IEnumerable<string> Wrap(string name, int width)
    {
        while (name.Length > width)
        {
            var cut = name.AsSpan(0, width).LastIndexOfAny("._-/:") + 1;
            if (cut < width / 2)
            {
                cut = width;
            }
            yield return name[..cut];
            name = name[cut..];
        }
        yield return name;
    }

    /// <summary><c>COLUMNS</c> when set (as <c>ls</c> and pytest honour it), else the terminal's width, else <see cref="UnmeasuredWidth"/>.</summary>
    private int Width() =>
        int.TryParse(environment("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0 ? columns
        : Console.IsOutputRedirected ? UnmeasuredWidth
        : AnsiConsole.Profile.Width;
}
