namespace Harness.Core.Model;

/// <summary>A test's final result after retries.</summary>
/// <param name="Result">The last attempt's result.</param>
/// <param name="Attempts">How many times it ran (0 for a test skipped without running).</param>
/// <param name="IsFlaky">It failed, then passed on a retry (or, over repeated passes, failed in one of them).</param>
public sealed record FinishedTest(TestResult Result, int Attempts, bool IsFlaky)
{
    public TestCase Test => Result.Test;

    public TestOutcome Outcome => Result.Outcome;

    /// <summary>Whether the run counts it as a failure (<see cref="TestOutcomes.Fails"/>).</summary>
    public bool Fails(bool flakyFails) => TestOutcomes.Fails(Result.Outcome, IsFlaky, flakyFails);
}

/// <summary>A test run several times: the result that stands for it and every measured run.</summary>
/// <param name="Final">The first measured run that did not pass, else the last one; flaky when any measured run was.</param>
/// <param name="Measured">Each measured run (warm-ups excluded), in pass order.</param>
public sealed record RepeatedTest(FinishedTest Final, IReadOnlyList<FinishedTest> Measured);
