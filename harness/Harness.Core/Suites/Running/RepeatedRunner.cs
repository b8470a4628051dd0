using Harness.Core.Suites.Execution;

namespace Harness.Core.Suites.Running;

/// <summary>A test run several times: the result that stands for it and every measured run.</summary>
/// <param name="Final">The first measured run that did not pass, else the last one; flaky when any measured run was.</param>
/// <param name="Measured">Each measured run (warm-ups excluded), in pass order.</param>
public sealed record RepeatedTest(FinishedTest Final, IReadOnlyList<FinishedTest> Measured);

/// <summary>
/// Runs the selection <c>warmup + repeat</c> times as whole passes, one after the other, so a test's runs are
/// interleaved with every other test's rather than back to back: a slow minute of the machine (another build
/// starting) then spreads over all tests instead of landing on all samples of one. Warm-up passes fill caches
/// (page cache, dynamic loader, CPU frequency) and are discarded.
/// </summary>
public static class RepeatedRunner
{
    public static IReadOnlyList<RepeatedTest> Run(
        IReadOnlyList<TestCase> tests, RunOptions options, int warmup, int repeat, Action<FinishedTest>? finished = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var measured = new Dictionary<string, List<FinishedTest>>(StringComparer.Ordinal);
        for (var pass = 0; pass < warmup + repeat && !cancellation.IsCancellationRequested; pass++)
        {
            var results = TestRunner.Run(tests, options, finished, cancellation);
            if (pass >= warmup)
            {
                foreach (var result in results)
                {
                    if (!measured.TryGetValue(result.Test.FullyQualifiedName, out var runs))
                    {
                        measured[result.Test.FullyQualifiedName] = runs = [];
                    }
                    runs.Add(result);
                }
            }
            if (options.FailFast && results.Any(r => r.Fails(options.FlakyFails)))
            {
                break;
            }
        }
        return [.. measured.Values.Select(Summarize).OrderBy(r => r.Final.Test.FullyQualifiedName, StringComparer.Ordinal)];
    }

    private static RepeatedTest Summarize(List<FinishedTest> runs)
    {
        var final = runs.FirstOrDefault(r => r.Result.Outcome is not (TestOutcome.Passed or TestOutcome.Skipped)) ?? runs[^1];
        var flaky = final.Result.Outcome == TestOutcome.Passed && runs.Any(r => r.IsFlaky);
        return new RepeatedTest(final with { IsFlaky = flaky }, runs);
    }
}
