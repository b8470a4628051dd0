using Harness.Core.Suites.Execution;

namespace Harness.Core.Suites.Running;

/// <summary>How a run is carried out.</summary>
/// <param name="Jobs">Test processes at once.</param>
/// <param name="Retries">Extra attempts for a test that did not pass; passing on one makes it flaky.</param>
/// <param name="FlakyFails">Count flaky tests as failed.</param>
/// <param name="FailFast">Stop starting tests after the first failure.</param>
/// <param name="Execution">Per-process settings: timeout, kill grace, ignored tests.</param>
public sealed record RunOptions(int Jobs, int Retries, bool FlakyFails, bool FailFast, ExecutionOptions Execution);

/// <summary>A test's final result after retries.</summary>
/// <param name="Result">The last attempt's result.</param>
/// <param name="Attempts">How many times it ran (0 for a test skipped without running).</param>
/// <param name="IsFlaky">It failed, then passed on a retry.</param>
public sealed record FinishedTest(TestResult Result, int Attempts, bool IsFlaky)
{
    public TestCase Test => Result.Test;

    /// <summary>Whether the run counts it as a failure.</summary>
    public bool Fails(bool flakyFails) => Result.Outcome is TestOutcome.Failed or TestOutcome.Crashed or TestOutcome.TimedOut || (IsFlaky && flakyFails);
}

/// <summary>
/// Runs selected tests in parallel: libtest and plain tests one process each, GoogleTest and Catch2 in
/// batches per binary (split so that the jobs stay busy), each failure retried alone.
/// </summary>
public static class TestRunner
{
    public static IReadOnlyList<FinishedTest> Run(
        IReadOnlyList<TestCase> tests, RunOptions options, Action<FinishedTest>? finished = null, CancellationToken cancellation = default)
    {
        var jobs = Math.Max(1, options.Jobs);
        var batches = new Queue<IReadOnlyList<TestCase>>(Batches(tests, jobs, options));
        var results = new List<FinishedTest>();
        var gate = new Lock();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        void Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                IReadOnlyList<TestCase> batch;
                lock (gate)
                {
                    if (!batches.TryDequeue(out batch!))
                    {
                        return;
                    }
                }
                IReadOnlyList<TestResult> batchResults;
                try
                {
                    Coverage.CoverageCollector.RunningTests([.. batch.Select(t => t.FullyQualifiedName)]);
                    batchResults = TestExecutor.Run(batch, options.Execution, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // cancelled (Ctrl-C, or --fail-fast after another failure): these tests did not finish
                }
                foreach (var result in batchResults)
                {
                    FinishedTest final;
                    try
                    {
                        final = Retry(result, options, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        final = new FinishedTest(result, 1, false);
                    }
                    lock (gate)
                    {
                        results.Add(final);
                        finished?.Invoke(final);
                        if (options.FailFast && final.Fails(options.FlakyFails))
                        {
                            stop.Cancel();
                        }
                    }
                }
            }
        }

        var threads = Enumerable.Range(0, jobs).Select(i => new Thread(Worker) { Name = $"harness test job {i}", IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return [.. results.OrderBy(r => r.Test.FullyQualifiedName, StringComparer.Ordinal)];
    }

    private static FinishedTest Retry(TestResult first, RunOptions options, CancellationToken cancellation)
    {
        if (first.Outcome is TestOutcome.Passed or TestOutcome.Skipped)
        {
            return new FinishedTest(first, first.Outcome == TestOutcome.Skipped ? 0 : 1, false);
        }
        var last = first;
        var attempts = 1;
        while (attempts <= options.Retries && !cancellation.IsCancellationRequested)
        {
            attempts++;
            Coverage.CoverageCollector.RunningTests([first.Test.FullyQualifiedName]);
            last = TestExecutor.Run([first.Test], options.Execution, cancellation)[0];
            if (last.Outcome == TestOutcome.Passed)
            {
                return new FinishedTest(last, attempts, true);
            }
        }
        return new FinishedTest(last, attempts, false);
    }

    /// <summary>libtest and plain: one test a process. GoogleTest and Catch2: a binary's tests in up to <paramref name="jobs"/> batches.</summary>
    private static IEnumerable<IReadOnlyList<TestCase>> Batches(IReadOnlyList<TestCase> tests, int jobs, RunOptions options)
    {
        foreach (var group in tests.GroupBy(t => t.Binary))
        {
            var list = group.ToList();
            // Per-test coverage and profiles need one test a process to attribute hits and samples exactly.
            if (group.Key.Framework is TestFramework.LibTest or TestFramework.Plain || options.Execution.Coverage?.PerTest == true || options.Execution.Profile is not null)
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
