using System.Globalization;
using Harness.Core.Model;
using Harness.Core.Runs;
using Spectre.Console;

namespace Harness.Cli.Commands;

/// <summary>
/// What <c>harness test</c> shows while it runs, as a sink of the run's events: build output on stderr, one line
/// per finished test (the same text whether or not stdout is a terminal), coloured and followed by a live progress
/// bar only on a terminal, a line for a test still running after a minute, and with <c>--no-capture</c> each line a
/// test prints as it prints it, prefixed with the test's name, on the stream it printed it to. <see cref="TestSummary"/>
/// follows it.
/// </summary>
internal sealed class TestProgress(bool flakyFails) : IRunSink
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    private readonly bool _interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Ansi;
    private readonly Lock _gate = new();
    private int _total;
    private int _done;
    private int _failed;

    public void Handle(RunEvent runEvent)
    {
        switch (runEvent)
        {
            case BuildOutput { Line: var line }:
                Console.Error.WriteLine(line);
                break;
            case RunStarted started:
                _total = started.Selected.Count * started.Passes;
                Console.WriteLine($"harness: running {started.Selected.Count} of {started.Listed} tests with {started.Jobs} jobs");
                break;
            case TestSlow slow:
                Line("SLOW", 33, string.Create(CultureInfo.InvariantCulture, $" {slow.Elapsed.TotalSeconds,8:F0}s  {slow.Test.FullyQualifiedName} (still running)"));
                break;
            case TestOutput output:
                Output(output);
                break;
            case TestFinished finished:
                Finished(finished.Finished);
                break;
            case RunFinished:
                Complete();
                break;
        }
    }

    private void Finished(FinishedTest finished)
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
                TestOutcome.Cancelled => ("CANCEL", 33),
                _ => ("SKIP", 90),
            };
            var result = finished.Result;
            Line(label, colour, string.Create(CultureInfo.InvariantCulture,
                $" {result.Duration.TotalSeconds,8:F3}s  {result.Test.FullyQualifiedName}{(result.Duration > Slow ? " (slow)" : "")}"));
        }
    }

    private void Output(TestOutput output)
    {
        lock (_gate)
        {
            if (_interactive)
            {
                Console.Write("\r\x1b[2K");
            }
            (output.Stream == OutputStream.Stderr ? Console.Error : Console.Out).WriteLine($"{output.Test.FullyQualifiedName}: {output.Line}");
            if (_interactive)
            {
                DrawBar();
            }
        }
    }

    private void Line(string label, int colour, string rest)
    {
        lock (_gate)
        {
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

    private void Complete()
    {
        if (_interactive)
        {
            lock (_gate)
            {
                Console.Write("\r\x1b[2K");
            }
        }
    }

    private void DrawBar()
    {
        const int Width = 30;
        var filled = _total == 0 ? Width : Math.Min(Width, _done * Width / _total);
        Console.Write($"[{new string('#', filled)}{new string('-', Width - filled)}] {_done}/{_total}{(_failed > 0 ? $"  {_failed} failed" : "")}");
    }
}
