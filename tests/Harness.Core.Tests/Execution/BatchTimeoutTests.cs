using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Tests.Frameworks;

namespace Harness.Core.Tests.Execution;

/// <summary>
/// Per-test timeouts inside GoogleTest and Catch2 batches (TestData/gtest_batch.cpp, catch2_batch.cpp): four
/// tests of 0.7 s each pass under a 1.5 s timeout although the batch runs them for 2.8 s, and the hanging test
/// times out one timeout after it started, not after the whole batch's share; the test after it runs again.
/// Plain and under the coverage tracer, which must end a run the same way (SIGTERM, then SIGKILL).
/// </summary>
public sealed class BatchTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    [Theory]
    [InlineData(TestFramework.GoogleTest, false)]
    [InlineData(TestFramework.GoogleTest, true)]
    [InlineData(TestFramework.Catch2, false)]
    [InlineData(TestFramework.Catch2, true)]
    public void Run_BatchWithHang_EachTestGetsTheWholeTimeoutAndTheHangTimesOutAlone(TestFramework framework, bool traced)
    {
        var binary = framework == TestFramework.GoogleTest
            ? FrameworkBinaries.Of(TestDataProgram.GoogleTestBatch(), "gtest", "batch", framework)
            : FrameworkBinaries.Of(TestDataProgram.Catch2Batch(), "catch2", "batch", framework);
        var tests = TestLister.List(binary).Where(t => t.FrameworkName.Contains("ake", StringComparison.Ordinal)
            || t.FrameworkName.Contains("ang", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, tests.Count);
        var coverage = traced ? new CoverageCollector(new CoveragePlanner(new SourceSelection())) : null;

        var results = TestExecutor.Run(tests, new ExecutionOptions(Timeout, ExecutionOptions.DefaultKillGrace, false, coverage), CancellationToken.None);

        var hang = Assert.Single(results, r => r.Outcome != TestOutcome.Passed);
        Assert.True(hang.Test.FrameworkName is "Batch.Hangs" or "hangs", hang.Test.FrameworkName);
        Assert.Equal(TestOutcome.TimedOut, hang.Outcome);
        Assert.StartsWith("timed out after 1.5 s", hang.FailureMessage);
        // One timeout (and a moment to notice) after it began; a whole-batch clock would have taken 6 × 1.5 − 2.8 s.
        Assert.InRange(hang.Duration, Timeout, TimeSpan.FromSeconds(4.5));
        Assert.Equal(5, results.Count(r => r.Outcome == TestOutcome.Passed));
    }

    [Fact]
    public void Run_Catch2Batch_EachTestKeepsItsOwnStreamOutputAndProcessOutputStaysWithTheBatchOfOne()
    {
        var binary = FrameworkBinaries.Of(TestDataProgram.Catch2Batch(), "catch2", "batch", TestFramework.Catch2);
        var tests = TestLister.List(binary).Where(t => t.FrameworkName is "prints" or "quiet").ToList();

        var together = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None).ToDictionary(r => r.Test.FrameworkName);
        var alone = TestExecutor.Run([tests.Single(t => t.FrameworkName == "prints")], ExecutionOptions.Default, CancellationToken.None).Single();

        Assert.Equal("cout of prints\n", together["prints"].StandardOutput);
        Assert.Equal("cerr of prints\n", together["prints"].StandardError);
        Assert.Equal("", together["quiet"].StandardOutput);
        Assert.Equal("", together["quiet"].StandardError);
        Assert.Equal(TestOutcome.Passed, alone.Outcome);
        Assert.Contains("cout of prints", alone.StandardOutput);
        Assert.Contains("printf of prints", alone.StandardOutput);
    }
}
