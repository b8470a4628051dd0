using System.Globalization;
using Harness.Core.Suites.Execution;
using Harness.Core.Suites.Running;
using Spectre.Console;

namespace Harness.Cli.Commands;

/// <summary>
/// What <c>harness test</c> shows while it runs: one line per finished test (the same text whether or not
/// stdout is a terminal), coloured and followed by a live progress bar only on a terminal; then a summary
/// table per binary.
/// </summary>
internal sealed class TestProgress(int total)
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private readonly bool _interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi;
    private readonly Lock _gate = new();
    private int _done;
    private int _failed;

    public void Finished(FinishedTest finished, bool flakyFails)
    {
        lock (_gate)
        {
            _done++;
            _failed += finished.Fails(flakyFails) ? 1 : 0;
            // SGR colour codes: written directly, so a long test name is never re-wrapped by a renderer.
            var (label, colour) = finished.IsFlaky ? ("FLAKY", 33) : finished.Result.Outcome switch
            {
                TestOutcome.Passed => ("PASS", 32),
                TestOutcome.Failed => ("FAIL", 31),
                TestOutcome.Crashed => ("CRASH", 31),
                TestOutcome.TimedOut => ("TIMEOUT", 31),
                _ => ("SKIP", 90),
            };
            var result = finished.Result;
            var rest = string.Create(CultureInfo.InvariantCulture,
                $" {result.Duration.TotalSeconds,8:F3}s  {result.Test.FullyQualifiedName}{(result.Duration > Slow ? " (slow)" : "")}");
            if (_interactive)
            {
                Console.Write("\r\x1b[2K");
                Console.WriteLine($"\x1b[{colour}m{label,-7}\x1b[0m{rest}");
                DrawBar();
            }
            else
            {
                Console.WriteLine($"{label,-7}{rest}");
            }
        }
    }

    public void Complete()
    {
        if (_interactive)
        {
            lock (_gate)
            {
                Console.Write("\r\x1b[2K");
            }
        }
    }

    /// <summary>Per binary: passed, failed, crashed, timed out, skipped, flaky, time.</summary>
    public static void Summary(IReadOnlyList<FinishedTest> results)
    {
        if (Console.IsOutputRedirected)
        {
            // No terminal to measure: Spectre would assume 80 columns and wrap long test-binary names.
            AnsiConsole.Profile.Width = 240;
        }
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("binary").NoWrap()).AddColumn(new TableColumn("passed").RightAligned()).AddColumn(new TableColumn("failed").RightAligned())
            .AddColumn(new TableColumn("crashed").RightAligned()).AddColumn(new TableColumn("timed out").RightAligned())
            .AddColumn(new TableColumn("skipped").RightAligned()).AddColumn(new TableColumn("flaky").RightAligned()).AddColumn(new TableColumn("time s").RightAligned());
        foreach (var binary in results.GroupBy(r => $"{r.Test.Binary.Suite}.{r.Test.Binary.BinaryId}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int Count(TestOutcome outcome) => binary.Count(r => r.Result.Outcome == outcome);
            table.AddRow(
                Markup.Escape(binary.Key),
                Count(TestOutcome.Passed).ToString(CultureInfo.InvariantCulture),
                Count(TestOutcome.Failed).ToString(CultureInfo.InvariantCulture),
                Count(TestOutcome.Crashed).ToString(CultureInfo.InvariantCulture),
                Count(TestOutcome.TimedOut).ToString(CultureInfo.InvariantCulture),
                Count(TestOutcome.Skipped).ToString(CultureInfo.InvariantCulture),
                binary.Count(r => r.IsFlaky).ToString(CultureInfo.InvariantCulture),
                binary.Sum(r => r.Result.Duration.TotalSeconds).ToString("F2", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
    }

    private void DrawBar()
    {
        const int Width = 30;
        var filled = total == 0 ? Width : _done * Width / total;
        Console.Write($"[{new string('#', filled)}{new string('-', Width - filled)}] {_done}/{total}{(_failed > 0 ? $"  {_failed} failed" : "")}");
    }
}
