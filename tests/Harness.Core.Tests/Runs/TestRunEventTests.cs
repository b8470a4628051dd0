using System.Collections.Concurrent;
using System.Text.Json;
using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.History;
using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Runs.Sinks;

namespace Harness.Core.Tests.Runs;

/// <summary>
/// The scheduler, retries, fail-fast, repeat, cancellation and sinks, seen through the run's event stream with an
/// executor that starts no process (the seam <see cref="ITestExecutor"/>): each test's outcome per attempt is scripted.
/// The real-process tests of the same behaviour are <see cref="RetryTests"/>, <see cref="RepeatTests"/> and the
/// framework execution tests.
/// </summary>
public sealed class TestRunEventTests
{
    [Fact]
    public void Run_FailingThenPassingWithRetry_AttemptFailedRetryingThenFinishedFlaky()
    {
        var executor = new ScriptedExecutor((test, attempt) => attempt == 1 ? TestOutcome.Failed : TestOutcome.Passed);
        var events = new Recorder();

        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a")], Jobs = 1, Retries = 2 }, executor).Run([events]);

        Assert.Equal(
            ["RunStarted", "TestStarted s.a 1", "AttemptFailed s.a 1 retrying", "TestStarted s.a 2", "TestFinished s.a passed flaky 2", "RunFinished"],
            events.Lines);
        var finished = Assert.Single(summary.Results);
        Assert.True(finished.IsFlaky);
        Assert.Empty(summary.Failed);
        Assert.Single(summary with { FlakyFails = true } is { } strict ? strict.Failed : []);
    }

    [Fact]
    public void Run_FailingEveryAttempt_LastAttemptNotRetryingAndFailed()
    {
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Crashed);
        var events = new Recorder();

        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a")], Jobs = 1, Retries = 1 }, executor).Run([events]);

        Assert.Equal(
            ["RunStarted", "TestStarted s.a 1", "AttemptFailed s.a 1 retrying", "TestStarted s.a 2", "AttemptFailed s.a 2 final", "TestFinished s.a crashed 2", "RunFinished"],
            events.Lines);
        Assert.Equal(TestOutcome.Crashed, Assert.Single(summary.Failed).Outcome);
    }

    [Fact]
    public void Run_FailFastOneJob_StopsStartingTestsAfterTheFirstFailure()
    {
        var executor = new ScriptedExecutor((test, _) => test.FullyQualifiedName == "s.b" ? TestOutcome.Failed : TestOutcome.Passed);
        TestCase[] tests = [Plain("s.a"), Plain("s.b"), Plain("s.c"), Plain("s.d")];

        var summary = new TestRun(new RunRequest { Tests = tests, Jobs = 1, FailFast = true }, executor).Run([]);

        Assert.Equal(["s.a", "s.b"], summary.Results.Where(r => r.Outcome.Ran()).Select(r => r.Test.FullyQualifiedName));
        Assert.Equal([TestOutcome.Passed, TestOutcome.Failed, TestOutcome.NotRun, TestOutcome.NotRun], summary.Results.Select(r => r.Outcome));
        Assert.Equal(4, summary.Selected);
        Assert.False(summary.Cancelled);
        Assert.Equal(["s.a", "s.b"], executor.Batches.Select(b => Assert.Single(b)));
    }

    [Fact]
    public void Run_FailFastTwoJobs_TestRunningBesideTheFailureCancelledRestNotRun()
    {
        using var bRunning = new ManualResetEventSlim();
        var executor = new ScriptedExecutor((test, _) => test.FullyQualifiedName == "s.a" ? TestOutcome.Failed : TestOutcome.Passed, behave: (test, cancellation) =>
        {
            if (test.FullyQualifiedName == "s.a")
            {
                Assert.True(bRunning.Wait(TimeSpan.FromSeconds(10)));
            }
            else if (test.FullyQualifiedName == "s.b")
            {
                bRunning.Set();
                cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
                cancellation.ThrowIfCancellationRequested();
            }
        });
        var events = new Recorder();
        TestCase[] tests = [Plain("s.a"), Plain("s.b"), Plain("s.c"), Plain("s.d")];

        var summary = new TestRun(new RunRequest { Tests = tests, Jobs = 2, FailFast = true }, executor).Run([events]);

        var outcomes = summary.Results.ToDictionary(r => r.Test.FullyQualifiedName, r => r.Outcome);
        Assert.Equal(new Dictionary<string, TestOutcome>
        {
            ["s.a"] = TestOutcome.Failed, ["s.b"] = TestOutcome.Cancelled, ["s.c"] = TestOutcome.NotRun, ["s.d"] = TestOutcome.NotRun,
        }, outcomes);
        Assert.False(summary.Cancelled);
        Assert.Equal(["s.a", "s.b"], summary.Failed.Select(f => f.Test.FullyQualifiedName).Order());
        Assert.Contains("TestFinished s.b cancelled 1", events.Lines);
        Assert.DoesNotContain(events.Lines, l => l.Contains("s.c", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_CancelledWhileATestRuns_ThatTestCancelledTheRestNotRunNothingRetried()
    {
        using var cancel = new CancellationTokenSource();
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed, behave: (test, cancellation) =>
        {
            if (test.FullyQualifiedName == "s.b")
            {
                cancel.Cancel();
                cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
                cancellation.ThrowIfCancellationRequested();
            }
        });
        TestCase[] tests = [Plain("s.a"), Plain("s.b"), Plain("s.c"), Plain("s.d")];

        var summary = new TestRun(new RunRequest { Tests = tests, Jobs = 1, Retries = 2 }, executor).Run([], cancel.Token);

        Assert.True(summary.Cancelled);
        Assert.Equal([TestOutcome.Passed, TestOutcome.Cancelled, TestOutcome.NotRun, TestOutcome.NotRun], summary.Results.Select(r => r.Outcome));
        Assert.Equal([1, 1, 0, 0], summary.Results.Select(r => r.Attempts));
        Assert.Equal(["s.a", "s.b"], executor.Batches.Select(b => Assert.Single(b)));
        Assert.Equal(["s.b"], summary.Failed.Select(f => f.Test.FullyQualifiedName));
        Assert.All(summary.Results.Where(r => r.Outcome == TestOutcome.NotRun), r => Assert.Empty(summary.Repeated.Single(t => t.Final == r).Measured));
    }

    [Fact]
    public void Run_CancelledDuringRepeat_TestsOfEarlierPassesKeepTheirResults()
    {
        using var cancel = new CancellationTokenSource();
        var runs = 0;
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed, behave: (_, _) =>
        {
            if (Interlocked.Increment(ref runs) == 3)
            {
                cancel.Cancel();
                throw new OperationCanceledException();
            }
        });

        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b")], Jobs = 1, Repeat = 3 }, executor).Run([], cancel.Token);

        // Pass 1 ran both; pass 2 was cut in its first test, so that test's final result is the cancel, the other keeps pass 1's.
        Assert.Equal([TestOutcome.Cancelled, TestOutcome.Passed], summary.Results.Select(r => r.Outcome));
        Assert.DoesNotContain(summary.Results, r => r.Outcome == TestOutcome.NotRun);
    }

    [Fact]
    public void Run_WarmupOneRepeatTwo_ThreeWholePassesTwoMeasuredWithSamples()
    {
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed);
        var events = new Recorder();

        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b")], Jobs = 2, Warmup = 1, Repeat = 2 }, executor).Run([events]);

        var finished = events.Events.OfType<TestFinished>().ToList();
        Assert.Equal(6, finished.Count);
        Assert.Equal([0, 0, 1, 1, 2, 2], finished.Select(f => f.Pass).Order());
        Assert.All(finished, f => Assert.Equal(f.Pass > 0, f.Measured));
        // Whole passes: every test of pass k finishes before any test of pass k+1 starts.
        var order = events.Events.Where(e => e is TestStarted or TestFinished).ToList();
        for (var pass = 0; pass < 2; pass++)
        {
            var lastFinished = order.FindLastIndex(e => e is TestFinished f && f.Pass == pass);
            var firstNext = order.FindIndex(e => e is TestStarted s && s.Pass == pass + 1);
            Assert.True(lastFinished < firstNext);
        }
        Assert.All(summary.Repeated, r => Assert.Equal(2, r.Measured.Count));
        Assert.Equal(["s.a", "s.b"], summary.Samples!.Keys.Order());
        Assert.Equal(3, Assert.IsType<RunStarted>(events.Events[0]).Passes);
    }

    [Fact]
    public void Run_RepeatWithAFailingMeasuredPass_FinalIsTheFailure()
    {
        var runs = new ConcurrentDictionary<string, int>();
        var executor = new ScriptedExecutor((test, _) => runs.AddOrUpdate(test.FullyQualifiedName, 1, (_, n) => n + 1) == 2 ? TestOutcome.Failed : TestOutcome.Passed);

        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a")], Jobs = 1, Repeat = 3 }, executor).Run([]);

        Assert.Equal(TestOutcome.Failed, Assert.Single(summary.Results).Outcome);
        Assert.Equal([TestOutcome.Passed, TestOutcome.Failed, TestOutcome.Passed], Assert.Single(summary.Repeated).Measured.Select(m => m.Outcome));
    }

    [Fact]
    public void Run_BatchFrameworkAndPlainTests_BatchesPerBinarySplitOverJobsPlainOneEach()
    {
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed);
        var gtest = Binary("gt", TestFramework.GoogleTest);
        TestCase[] tests = [.. Enumerable.Range(0, 6).Select(i => Case($"s.gt.T{i}", gtest)), Plain("s.p1"), Plain("s.p2")];

        new TestRun(new RunRequest { Tests = tests, Jobs = 2 }, executor).Run([]);

        var batches = executor.Batches.Select(b => b.Order().ToList()).OrderBy(b => b[0], StringComparer.Ordinal).ToList();
        Assert.Equal([["s.gt.T0", "s.gt.T1", "s.gt.T2"], ["s.gt.T3", "s.gt.T4", "s.gt.T5"], ["s.p1"], ["s.p2"]], batches);
    }

    [Fact]
    public void Run_CancelledFromASink_StopsAndSaysCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed);
        var events = new Recorder(e =>
        {
            if (e is TestFinished)
            {
                cancel.Cancel();
            }
        });
        TestCase[] tests = [.. Enumerable.Range(0, 5).Select(i => Plain($"s.t{i}"))];

        var summary = new TestRun(new RunRequest { Tests = tests, Jobs = 1 }, executor).Run([events], cancel.Token);

        Assert.True(summary.Cancelled);
        Assert.Single(summary.Results, r => r.Outcome.Ran());
        Assert.Equal(4, summary.Results.Count(r => r.Outcome == TestOutcome.NotRun));
        Assert.IsType<RunFinished>(events.Events[^1]);
    }

    [Fact]
    public void Run_TestRunningPastSlowAfter_ReportedSlowOnceBeforeItFinishes()
    {
        // 2 s against 100 ms: the slow timer runs on the thread pool, which the parallel test classes can keep busy
        // for hundreds of milliseconds (with 600 ms the event was missed once in a while).
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed, delay: TimeSpan.FromSeconds(2));
        var events = new Recorder();

        new TestRun(new RunRequest { Tests = [Plain("s.slow")], Jobs = 1, SlowAfter = TimeSpan.FromMilliseconds(100) }, executor).Run([events]);

        Assert.Equal(["RunStarted", "TestStarted s.slow 1", "TestSlow s.slow", "TestFinished s.slow passed 1", "RunFinished"], events.Lines);
    }

    [Fact]
    public void Run_ManyJobs_SinkNeverCalledConcurrently()
    {
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed, delay: TimeSpan.FromMilliseconds(5));
        var inside = 0;
        var overlaps = 0;
        var sink = new Recorder(_ =>
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }
            Thread.Sleep(1);
            Interlocked.Decrement(ref inside);
        });

        var summary = new TestRun(new RunRequest { Tests = [.. Enumerable.Range(0, 40).Select(i => Plain($"s.t{i:00}"))], Jobs = 8 }, executor).Run([sink]);

        Assert.Equal(40, summary.Results.Count);
        Assert.Equal(0, overlaps);
        Assert.Equal(40, sink.Events.OfType<TestFinished>().Count());
    }

    [Fact]
    public async Task Events_AsAsyncStream_StartsWithRunStartedEndsWithRunFinished()
    {
        var executor = new ScriptedExecutor((test, _) => test.FullyQualifiedName == "s.b" ? TestOutcome.Failed : TestOutcome.Passed);
        var events = new List<RunEvent>();

        await foreach (var runEvent in new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b")], Jobs = 2 }, executor).Events())
        {
            events.Add(runEvent);
        }

        Assert.IsType<RunStarted>(events[0]);
        var summary = Assert.IsType<RunFinished>(events[^1]).Summary;
        Assert.Equal(["s.b"], summary.Failed.Select(f => f.Test.FullyQualifiedName));
        Assert.Equal(2, events.OfType<TestFinished>().Count());
    }

    [Fact]
    public void ResultsFileSink_RunFinished_WritesEveryFinalResultWithItsOutcomeName()
    {
        using var directory = new TempDirectory("run-results");
        var executor = new ScriptedExecutor((test, _) => test.FullyQualifiedName switch
        {
            "s.a" => TestOutcome.Passed,
            "s.b" => TestOutcome.TimedOut,
            _ => TestOutcome.Skipped,
        });

        new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b"), Plain("s.c")], Jobs = 2 }, executor).Run([new ResultsFileSink(directory.Path)]);

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, "results.json")));
        var outcomes = document.RootElement.GetProperty("tests").EnumerateArray()
            .ToDictionary(t => t.GetProperty("fullyQualifiedName").GetString()!, t => t.GetProperty("outcome").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["s.a"] = "passed", ["s.b"] = "timedout", ["s.c"] = "skipped" }, outcomes);
        Assert.Equal(3, document.RootElement.GetProperty("listed").GetInt32());
        var back = ResultsFile.Read(Path.Combine(directory.Path, "results.json"));
        Assert.Equal([TestOutcome.Passed, TestOutcome.TimedOut, TestOutcome.Skipped], back.Tests.Select(t => t.Outcome));
    }

    [Fact]
    public void ResultsFileSink_CancelledRun_CancelledAndNotRunTestsWrittenAndReadBack()
    {
        using var directory = new TempDirectory("run-results-cancelled");
        using var cancel = new CancellationTokenSource();
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed, behave: (test, cancellation) =>
        {
            if (test.FullyQualifiedName == "s.b")
            {
                cancel.Cancel();
                cancellation.ThrowIfCancellationRequested();
            }
        });

        new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b"), Plain("s.c")], Jobs = 1 }, executor).Run([new ResultsFileSink(directory.Path)], cancel.Token);

        AssertOutcomes(directory.Path, new() { ["s.a"] = "passed", ["s.b"] = "cancelled", ["s.c"] = "not-run" });
        var back = ResultsFile.Read(Path.Combine(directory.Path, "results.json"));
        Assert.Equal([TestOutcome.Passed, TestOutcome.Cancelled, TestOutcome.NotRun], back.Tests.Select(t => t.Outcome));
        Assert.Equal(TestRun.NotRunMessage, back.Tests[2].FailureMessage);
    }

    private static void AssertOutcomes(string directory, Dictionary<string, string?> expected)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "results.json")));
        var outcomes = document.RootElement.GetProperty("tests").EnumerateArray()
            .ToDictionary(t => t.GetProperty("fullyQualifiedName").GetString()!, t => t.GetProperty("outcome").GetString());
        Assert.Equal(expected, outcomes);
    }

    [Fact]
    public void HistorySink_FinishedRunRecordedCancelledRunNot()
    {
        using var directory = new TempDirectory("run-history");
        var database = Path.Combine(directory.Path, "history.db");
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed);
        var info = RunMetadata.Capture(directory.Path, ["s"], 2, 0);
        var recorded = new HistorySink(database, info);

        new TestRun(new RunRequest { Tests = [Plain("s.a")], Jobs = 1, Repeat = 2 }, executor).Run([recorded]);

        Assert.NotNull(recorded.Line);
        Assert.Contains("2 samples", recorded.Line, StringComparison.Ordinal);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var skipped = new HistorySink(database, info);
        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a")], Jobs = 1 }, executor).Run([skipped], cancel.Token);
        Assert.True(summary.Cancelled);
        Assert.Null(skipped.Line);
        Assert.Null(skipped.Error);
    }

    [Fact]
    public void HistorySink_EmptySelection_NotRecorded()
    {
        using var directory = new TempDirectory("run-history-empty");
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed);
        var sink = new HistorySink(Path.Combine(directory.Path, "history.db"), RunMetadata.Capture(directory.Path, ["s"], 1, 0));

        var summary = new TestRun(new RunRequest { Tests = [Plain("s.a")], Selection = new Harness.Core.Suites.TestSelection(["nothing-matches"], false, null), Jobs = 1 }, executor)
            .Run([sink]);

        Assert.Equal(0, summary.Selected);
        Assert.Null(sink.Line);
        Assert.Null(sink.Error);
        Assert.False(File.Exists(Path.Combine(directory.Path, "history.db")));
    }

    [Fact]
    public void HistorySink_FailFastRun_RecordsNoSampleOfCancelledOrNotRunTests()
    {
        using var directory = new TempDirectory("run-history-failfast");
        var database = Path.Combine(directory.Path, "history.db");
        var executor = new ScriptedExecutor((test, _) => test.FullyQualifiedName == "s.a" ? TestOutcome.Failed : TestOutcome.Passed);
        var sink = new HistorySink(database, RunMetadata.Capture(directory.Path, ["s"], 1, 0));

        new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b"), Plain("s.c")], Jobs = 1, FailFast = true }, executor).Run([sink]);

        Assert.NotNull(sink.Line);
        Assert.Contains(" 1 samples", sink.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SinkThrowsDuringTheRun_RunEndsThenRaisesIt()
    {
        var executor = new ScriptedExecutor((_, _) => TestOutcome.Passed);
        var sink = new Recorder(e =>
        {
            if (e is TestFinished)
            {
                throw new IOException("disk full");
            }
        });

        var error = Assert.Throws<IOException>(() => new TestRun(new RunRequest { Tests = [Plain("s.a"), Plain("s.b")], Jobs = 2 }, executor).Run([sink]));

        Assert.Equal("disk full", error.Message);
        Assert.Equal(2, executor.Batches.Count);
    }

    [Fact]
    public void TestRun_BadRequest_RefusedBeforeAnythingRuns() =>
        Assert.Throws<ArgumentException>(() => new TestRun(new RunRequest { Jobs = 0 }, new ScriptedExecutor((_, _) => TestOutcome.Passed)));

    private static TestBinary Binary(string id, TestFramework framework) =>
        new($"/nonexistent/{id}", "s", id, framework, "/", new Dictionary<string, string>(), [], null, []);

    private static TestCase Case(string name, TestBinary binary) => new(name, name, name, binary, null, null, [], false);

    private static TestCase Plain(string name) => Case(name, Binary(name[(name.LastIndexOf('.') + 1)..], TestFramework.Plain));

    /// <summary>Results without processes: <c>outcome(test, attempt)</c> decides each; every batch it was given is kept.</summary>
    /// <param name="behave">Runs first in every call, with the run's token (block, cancel, throw).</param>
    private sealed class ScriptedExecutor(Func<TestCase, int, TestOutcome> outcome, TimeSpan? delay = null, Action<TestCase, CancellationToken>? behave = null) : ITestExecutor
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<IReadOnlyList<string>> _batches = new();

        public IReadOnlyList<IReadOnlyList<string>> Batches => [.. _batches];

        public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, ExecutionOptions options, Action<IReadOnlyList<ImageHits>>? hits, CancellationToken cancellation)
        {
            cancellation.ThrowIfCancellationRequested();
            _batches.Enqueue([.. tests.Select(t => t.FullyQualifiedName)]);
            foreach (var test in tests)
            {
                behave?.Invoke(test, cancellation);
            }
            if (delay is { } wait)
            {
                Thread.Sleep(wait);
            }
            return [.. tests.Select(test =>
            {
                var attempt = _attempts.AddOrUpdate(test.FullyQualifiedName, 1, (_, n) => n + 1);
                return new TestResult(test, outcome(test, attempt), TimeSpan.FromMilliseconds(1), DateTimeOffset.UnixEpoch, "", "", null, null, null, 0, null);
            })];
        }
    }

    /// <summary>Keeps every event, and a one-line text of each for exact sequences.</summary>
    private sealed class Recorder(Action<RunEvent>? also = null) : IRunSink
    {
        public List<RunEvent> Events { get; } = [];

        public List<string> Lines => [.. Events.Select(Line)];

        public void Handle(RunEvent runEvent)
        {
            Events.Add(runEvent);
            also?.Invoke(runEvent);
        }

        private static string Line(RunEvent e) => e switch
        {
            TestStarted s => $"TestStarted {s.Test.FullyQualifiedName} {s.Attempt}",
            AttemptFailed f => $"AttemptFailed {f.Result.Test.FullyQualifiedName} {f.Attempt} {(f.Retrying ? "retrying" : "final")}",
            TestSlow s => $"TestSlow {s.Test.FullyQualifiedName}",
            TestFinished f => $"TestFinished {f.Finished.Test.FullyQualifiedName} {f.Finished.Outcome.Name()}{(f.Finished.IsFlaky ? " flaky" : "")} {f.Finished.Attempts}",
            _ => e.GetType().Name,
        };
    }
}
