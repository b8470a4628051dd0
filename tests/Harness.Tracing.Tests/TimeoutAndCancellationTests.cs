using System.Diagnostics;
using Harness.Testing;
using Harness.Tracing.Tests.Support;
using static Harness.Tracing.Tests.Support.CTracePrograms;

namespace Harness.Tracing.Tests;

/// <summary>
/// Timeout and cancellation. The sleeper fixture (a parent and a forked child, both sleeping 60 s) stopped
/// while it runs: the run ends promptly, says why, keeps the coverage gathered so far, and leaves no process
/// of the traced tree behind (checked by pid through /proc); those tests bound their own wait and kill the
/// sleeper pair themselves if the tracer did not, so a failure costs seconds, not a minute. And a stop that
/// arrives during start-up, before the program is traced.
/// </summary>
public sealed class TimeoutAndCancellationTests
{
    private const int Repetitions = 20;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static string Sleeper => Program(CFlavour.O0, "sleeper");

    [Fact]
    public void Run_SleeperWithOneSecondTimeout_TimedOutPromptlyWithNoProcessLeft()
    {
        (int Parent, int Child) pids = default;
        var run = TracedRun.Start(Sleeper, [], options => options with { Timeout = TimeSpan.FromSeconds(1) }, whileRunning: running =>
        {
            pids = ProcessTree.WaitForSleeper(running.StandardOutputPath, running.StandardErrorPath, Bound);
            EndOrKill(running, pids, Bound, "the 1 s timeout");
        });

        Assert.True(run.Result.TimedOut, run.ToString());
        Assert.False(run.Result.Cancelled, run.ToString());
        Assert.Equal(9, run.Result.TerminatingSignal);
        Assert.Null(run.Result.ExitCode);
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(0.9), Bound);
        ProcessTree.AssertGone(pids.Parent, "sleeper parent", Grace);
        ProcessTree.AssertGone(pids.Child, "sleeper child", Grace);

        var source = Source("sleeper.c");
        var file = run.File("sleeper.c");
        CoverageAssert.Covered(file, source, source.LineOf("printf(\"started\\n\");"));
        CoverageAssert.NotCovered(file, source, source.LineOf("printf(\"finished\\n\");"));
    }

    [Fact]
    public void Run_SleeperCancelledByToken_CancelledPromptlyWithNoProcessLeft()
    {
        using var cancellation = new CancellationTokenSource();
        (int Parent, int Child) pids = default;
        var sinceCancel = TimeSpan.Zero;
        var run = TracedRun.Start(Sleeper, [], cancellation: cancellation.Token, whileRunning: running =>
        {
            pids = ProcessTree.WaitForSleeper(running.StandardOutputPath, running.StandardErrorPath, Bound);
            var clock = Stopwatch.StartNew();
            cancellation.Cancel();
            EndOrKill(running, pids, Bound, "cancellation");
            sinceCancel = clock.Elapsed;
        });

        Assert.True(run.Result.Cancelled, run.ToString());
        Assert.False(run.Result.TimedOut, run.ToString());
        Assert.Equal(9, run.Result.TerminatingSignal);
        Assert.True(sinceCancel < TimeSpan.FromSeconds(5), $"the run ended {sinceCancel.TotalSeconds:F1} s after cancellation");
        ProcessTree.AssertGone(pids.Parent, "sleeper parent", Grace);
        ProcessTree.AssertGone(pids.Child, "sleeper child", Grace);
        Assert.Contains(run.Report.Files, f => f.Path.EndsWith("/sleeper.c", StringComparison.Ordinal) && f.LinesCovered > 0);
    }

    /// <summary>
    /// A token cancelled before the run starts (Ctrl-C during start-up, a test run already aborted): the run
    /// must come back as cancelled, without running the program to its end and without failing. The
    /// cancellation lands at a different point of start-up each time (before the spawn, between spawn and
    /// seize, after the seize), so the case is repeated; the helper fixture prints and exits 2 at once, so a
    /// run that ignored the cancellation shows as exit code 2.
    /// </summary>
    [Fact]
    public void Run_TokenCancelledBeforeStart_CancelledWithoutRunningTheProgram()
    {
        var helper = Program(CFlavour.O0, "helper");
        var outcomes = new List<string>();
        for (var i = 0; i < Repetitions; i++)
        {
            using var cancellation = new CancellationTokenSource();
            cancellation.Cancel();
            outcomes.Add(Outcome(() => TracedRun.Start(helper, [], cancellation: cancellation.Token), run =>
                run.Result.Cancelled && run.Result.ExitCode is null && !run.Output.Contains("helper:", StringComparison.Ordinal)));
        }

        AssertAllGood(outcomes);
    }

    /// <summary>
    /// A timeout that expires during start-up (the timer fires on another thread while the tracer is still
    /// spawning and seizing): the run ends either timed out (killed) or, if the program was quicker than the
    /// timer, normally; never with a tracer failure, and never "timed out" with the program run to its end.
    /// </summary>
    [Fact]
    public void Run_TimeoutExpiringDuringStartUp_TimedOutOrCompletedNeverFailed()
    {
        var helper = Program(CFlavour.O0, "helper");
        var outcomes = new List<string>();
        for (var i = 0; i < Repetitions; i++)
        {
            // 0.1 ms to 2 ms: sweeps the timer across spawn, seize and exec.
            var timeout = TimeSpan.FromMicroseconds(100 + (i * 1900 / Repetitions));
            outcomes.Add(Outcome(() => TracedRun.Start(helper, [], options => options with { Timeout = timeout }), run =>
                run.Result.TimedOut ? run.Result.ExitCode is null : run.Result.ExitCode == 2));
        }

        AssertAllGood(outcomes);
    }

    /// <summary>"ok", or what went wrong with one run: the exception it threw, or its result.</summary>
    private static string Outcome(Func<TracedRun> start, Func<TracedRun, bool> good)
    {
        try
        {
            var run = start();
            return good(run) ? "ok" : $"wrong result: {run.ToString().ReplaceLineEndings(" | ")}";
        }
        catch (TracerException e)
        {
            return $"{nameof(TracerException)}: {e.Message}";
        }
    }

    private static void AssertAllGood(List<string> outcomes)
    {
        var bad = outcomes.Where(o => o != "ok").ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} of {outcomes.Count} runs went wrong, e.g.:\n{string.Join('\n', bad.Distinct().Take(3))}");
    }

    /// <summary>
    /// Waits for the run to end by itself; if it has not within <paramref name="bound"/>, kills the sleeper pair
    /// (so the tracer can finish and the test does not hang for a minute) and fails.
    /// </summary>
    private static void EndOrKill(RunningTrace running, (int Parent, int Child) pids, TimeSpan bound, string what)
    {
        try
        {
            if (running.Completion.Wait(bound))
            {
                return;
            }
        }
        catch (AggregateException)
        {
            return; // the run failed; TracedRun rethrows its exception
        }
        ProcessTree.Kill(pids.Child);
        ProcessTree.Kill(pids.Parent);
        running.Completion.Wait(bound);
        Assert.Fail($"the traced sleeper was still running {bound.TotalSeconds} s after {what} (pids {pids}); killed it from the test");
    }
}
