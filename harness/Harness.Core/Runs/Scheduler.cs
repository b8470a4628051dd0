using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Model;

namespace Harness.Core.Runs;

/// <summary>
/// Runs one pass over the selected tests in parallel: libtest and plain tests one process each, GoogleTest and
/// Catch2 in batches per binary (split so that the jobs stay busy), each failure retried alone; reports every step
/// as an event. Which batch starts when is <see cref="Admission"/>'s decision (CTest's order, fixtures, locks and
/// slots). Jobs are threads of their own: each blocks on its process, and the tracer needs a thread that stays.
/// </summary>
internal sealed class Scheduler(RunRequest request, ExecutionOptions execution, ITestExecutor executor, Action<RunEvent> emit)
{
    /// <summary>Runs <paramref name="tests"/> once; <paramref name="failed"/> tells whether a test failed the run (fail-fast stops then).</summary>
    public IReadOnlyList<FinishedTest> RunPass(IReadOnlyList<TestCase> tests, int pass, bool measured, CancellationToken cancellation, out bool failed)
    {
        var jobs = Math.Max(1, request.Jobs);
        var admission = new Admission(Batches(tests, jobs), jobs);
        var results = new List<FinishedTest>();
        var gate = new Lock();
        var anyFailed = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        void Worker()
        {
            while (admission.Next(stop.Token) is { } ticket)
            {
                var batchFailed = false;
                try
                {
                    batchFailed = RunBatch(ticket);
                }
                finally
                {
                    admission.Finished(ticket, batchFailed);
                }
            }
        }

        // Runs one batch to its final results; true when any failed.
        bool RunBatch(Admission.Ticket ticket)
        {
            var batch = ticket.Batch;
            var hits = execution.Coverage is null ? null : new List<ImageHits>();
            IReadOnlyList<TestResult> batchResults;
            var started = DateTimeOffset.Now;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var batchFailed = false;
            if (ticket.SkipReason is { } reason)
            {
                batchResults = [.. batch.Select(test => TestResult.WithoutRun(test, TestOutcome.Skipped, reason))];
            }
            else
            {
                try
                {
                    batchResults = RunWatched(batch, pass, 1, hits, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled (Ctrl-C, a signal, or --fail-fast after another failure) while they ran: their processes were killed.
                    foreach (var test in batch)
                    {
                        var cut = TestResult.WithoutRun(test, TestOutcome.Cancelled, CancelledMessage) with { Started = started, Duration = clock.Elapsed };
                        var cancelled = new FinishedTest(cut, 1, false);
                        lock (gate)
                        {
                            results.Add(cancelled);
                        }
                        emit(new TestFinished(cancelled, pass, measured, null));
                    }
                    return true;
                }
            }
            foreach (var result in batchResults)
            {
                var testHits = batch.Count == 1 ? hits : null;
                FinishedTest final;
                try
                {
                    final = Retry(result, pass, testHits, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    final = new FinishedTest(result, 1, false);
                }
                var fails = final.Fails(request.FlakyFails);
                batchFailed |= fails;
                lock (gate)
                {
                    results.Add(final);
                    anyFailed |= fails;
                    if (request.FailFast && fails)
                    {
                        stop.Cancel();
                    }
                }
                emit(new TestFinished(final, pass, measured, testHits));
            }
            return batchFailed;
        }

        var threads = Enumerable.Range(0, jobs).Select(i => new Thread(Worker) { Name = $"harness test job {i}", IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        failed = anyFailed;
        return [.. results.OrderBy(r => r.Test.FullyQualifiedName, StringComparer.Ordinal)];
    }

    /// <summary>Why a cancelled test has no verdict of its own.</summary>
    public const string CancelledMessage = "cancelled: the run was interrupted while it ran";

    /// <summary>Runs a batch, telling its start, and that it is slow when it runs past <see cref="RunRequest.SlowAfter"/>.</summary>
    private IReadOnlyList<TestResult> RunWatched(IReadOnlyList<TestCase> batch, int pass, int attempt, List<ImageHits>? hits, CancellationToken cancellation)
    {
        foreach (var test in batch)
        {
            emit(new TestStarted(test, pass, attempt));
        }
        var done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var slow = new Timer(_ =>
        {
            if (Volatile.Read(ref done) == 0)
            {
                foreach (var test in batch)
                {
                    emit(new TestSlow(test, clock.Elapsed));
                }
            }
        }, null, request.SlowAfter, Timeout.InfiniteTimeSpan);
        try
        {
            return executor.Run(batch, execution, hits is null ? null : own => hits.AddRange(own), cancellation);
        }
        finally
        {
            Volatile.Write(ref done, 1);
        }
    }

    private FinishedTest Retry(TestResult first, int pass, List<ImageHits>? hits, CancellationToken cancellation)
    {
        if (!first.Outcome.IsRetryable())
        {
            return new FinishedTest(first, first.Outcome == TestOutcome.Skipped ? 0 : 1, false);
        }
        var last = first;
        var attempts = 1;
        emit(new AttemptFailed(first, attempts, request.Retries > 0 && !cancellation.IsCancellationRequested));
        while (attempts <= request.Retries && !cancellation.IsCancellationRequested)
        {
            attempts++;
            last = RunWatched([first.Test], pass, attempts, hits, cancellation)[0];
            if (last.Outcome == TestOutcome.Passed)
            {
                return new FinishedTest(last, attempts, true);
            }
            emit(new AttemptFailed(last, attempts, attempts <= request.Retries && !cancellation.IsCancellationRequested));
        }
        return new FinishedTest(last, attempts, false);
    }

    /// <summary>One test a process where needed; otherwise a binary's tests in up to <paramref name="jobs"/> batches.</summary>
    private IEnumerable<IReadOnlyList<TestCase>> Batches(IReadOnlyList<TestCase> tests, int jobs)
    {
        // By what the process needs, not by record equality: the same binary read back from an IDE's test cases is a new
        // object each time, and binaries of one path may differ in environment (gtest_discover_tests entries).
        foreach (var group in tests.GroupBy(t => t.Binary.ProcessKey, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (execution.OneTestAProcess(list[0].Binary.Framework))
            {
                foreach (var test in list)
                {
                    yield return [test];
                }
                continue;
            }
            var size = Math.Max(1, (int)Math.Ceiling(list.Count / (double)jobs));
            for (var i = 0; i < list.Count; i += size)
            {
                yield return list.GetRange(i, Math.Min(size, list.Count - i));
            }
        }
    }
}
