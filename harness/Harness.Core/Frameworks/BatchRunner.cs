using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks;

/// <summary>
/// What frameworks that run many tests in one process (GoogleTest, Catch2) share: skipping ignored tests, cutting a
/// batch into command lines the kernel accepts, and recovering from a process that died mid-batch: the tests it
/// reported stand, the one it was running carries the death, and the tests not reached run again in a new process.
/// A framework says how one process runs a batch and what it settled (<see cref="RunOnce"/>), and what a process
/// that settled nothing means (<see cref="NoneSettled"/>).
/// </summary>
internal abstract class BatchRunner
{
    /// <summary>Keeps one command line well below the kernel's limits.</summary>
    private const int MaxSelectionLength = 64 * 1024;

    /// <summary>Why an ignored test is skipped, in the framework's word (<c>disabled</c>, <c>hidden</c>).</summary>
    protected abstract string SkipReason { get; }

    /// <summary>The text that selects <paramref name="test"/> on the command line (its length counts against the limit).</summary>
    protected abstract string Selector(TestCase test);

    /// <summary>Runs <paramref name="batch"/> in one process; returns the process and the results it settles (a subset of the batch).</summary>
    protected abstract (ProcessRun Run, IReadOnlyDictionary<TestCase, TestResult> Settled) RunOnce(IReadOnlyList<TestCase> batch, RunContext context);

    /// <summary>A process that started but settled none of <paramref name="batch"/>: a result for each, or null to run each alone.</summary>
    protected abstract IReadOnlyList<TestResult>? NoneSettled(IReadOnlyList<TestCase> batch, ProcessRun run, RunContext context);

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, RunContext context)
    {
        var results = new Dictionary<TestCase, TestResult>(ReferenceEqualityComparer.Instance);
        var chunk = new List<TestCase>();
        var length = 0;
        foreach (var test in tests)
        {
            if (test.IsIgnored && !context.RunIgnored)
            {
                results[test] = Results.Skipped(test, SkipReason);
                continue;
            }
            var selector = Selector(test).Length + 1;
            if (chunk.Count > 0 && length + selector > MaxSelectionLength)
            {
                RunBatch(chunk, context, results);
                chunk = [];
                length = 0;
            }
            chunk.Add(test);
            length += selector;
        }
        if (chunk.Count > 0)
        {
            RunBatch(chunk, context, results);
        }
        return [.. tests.Select(t => results[t])];
    }

    private void RunBatch(List<TestCase> batch, RunContext context, Dictionary<TestCase, TestResult> results)
    {
        while (batch.Count > 0)
        {
            var (run, settled) = RunOnce(batch, context);
            if (run.StartError is { } error)
            {
                foreach (var test in batch)
                {
                    results[test] = Results.Of(test, run, TestOutcome.Crashed, error);
                }
                return;
            }
            foreach (var (test, result) in settled)
            {
                // A process that ran several tests exits with the batch's code (Catch2: the failures counted), which is no one test's.
                results[test] = batch.Count > 1 ? result with { ExitCode = null } : result;
            }
            var rest = batch.Where(t => !results.ContainsKey(t)).ToList();
            if (rest.Count == 0)
            {
                return;
            }
            if (rest.Count == batch.Count)
            {
                // Nothing settled: rerunning the same batch would only repeat this.
                if (NoneSettled(batch, run, context) is { } all)
                {
                    foreach (var result in all)
                    {
                        results[result.Test] = result;
                    }
                    return;
                }
                foreach (var test in batch)
                {
                    RunBatch([test], context, results);
                }
                return;
            }
            // Each pass settles at least one test, so the batch shrinks.
            batch = rest;
        }
    }
}
