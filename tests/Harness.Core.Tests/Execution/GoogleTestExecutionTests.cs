using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Tests.Frameworks;

namespace Harness.Core.Tests.Execution;

/// <summary>Running the GoogleTest fixture in batches, checked against GoogleTest's own run.</summary>
public sealed class GoogleTestExecutionTests
{
    private const string CrashTest = "Crash.SegfaultsOnPurpose";

    [Fact]
    public void Run_FixtureTests_OutcomesEqualGtestOwnRunAndCrashIsolated()
    {
        var binary = FrameworkBinaries.GoogleTest("gtest_fixture_tests");
        var tests = TestLister.List(binary);

        var results = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None);

        Assert.Equal(tests, results.Select(r => r.Test));
        var byName = results.ToDictionary(r => r.Test.FrameworkName);

        // The oracle: GoogleTest's own verdicts for everything but the crashing test (which takes the run down with it).
        var oracle = ExecutionOracle.GoogleTest(binary, tests.Where(t => !t.IsIgnored && t.FrameworkName != CrashTest).Select(t => t.FrameworkName));
        Assert.Equal(tests.Count - 2, oracle.Count);
        Assert.All(oracle, o => Assert.Equal((o.Key, o.Value), (o.Key, byName[o.Key].Outcome)));

        var crash = byName[CrashTest];
        Assert.Equal(TestOutcome.Crashed, crash.Outcome);
        Assert.Equal(11, crash.Signal);
        Assert.Contains("SIGSEGV", crash.FailureMessage);

        // Registered after the crash, so only a re-run batch reaches them.
        var parameterised = results.Where(r => r.Test.FrameworkName.StartsWith("Sizes/AreaParam.", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, parameterised.Count);
        Assert.All(parameterised, r => Assert.Equal(TestOutcome.Passed, r.Outcome));
        Assert.All(results.Where(r => r.Outcome != TestOutcome.Crashed), r => Assert.Null(r.Signal));

        Assert.Equal(TestOutcome.Skipped, byName["Shapes.DISABLED_NotRunByDefault"].Outcome);
    }

    [Fact]
    public void Run_DeliberatelyFails_FailedWithFileAndLine()
    {
        var binary = FrameworkBinaries.GoogleTest("gtest_fixture_tests");
        var tests = TestLister.List(binary).Where(t => t.FrameworkName is "Shapes.DeliberatelyFails" or "Shapes.SquareArea").ToList();

        var results = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None);

        var failed = results.Single(r => r.Test.FrameworkName == "Shapes.DeliberatelyFails");
        Assert.Equal(TestOutcome.Failed, failed.Outcome);
        var source = Path.Combine(Repository.FixturesDirectory, "cpp-gtest", "tests", "fixture_tests.cpp");
        Assert.Equal(source, failed.FailureFile);
        Assert.Equal(LibTestExecutionTests.LineOf(source, "EXPECT_EQ(shapes::lattice_points(1), 4)") , failed.FailureLine);
        Assert.Contains("lattice points of radius 1", failed.FailureMessage);
        Assert.DoesNotContain(source, failed.FailureMessage);
        Assert.Contains("Failure", failed.StandardOutput);
        Assert.Equal(TestOutcome.Passed, results.Single(r => r.Test.FrameworkName == "Shapes.SquareArea").Outcome);
    }

    [Fact]
    public void Run_DisabledWithRunIgnored_RunAndFailedAsItsFailSays()
    {
        var test = TestLister.List(FrameworkBinaries.GoogleTest("gtest_fixture_tests")).Single(t => t.IsIgnored);

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default with { RunIgnored = true }, CancellationToken.None));

        // The disabled test is a FAIL() on purpose: running it must show that, not skip it.
        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Contains("disabled tests must not run", result.FailureMessage);
    }

    [Fact]
    public void Run_CrashOnly_CrashedWithOutputSinceItsRunLine()
    {
        var test = TestLister.List(FrameworkBinaries.GoogleTest("gtest_fixture_tests")).Single(t => t.FrameworkName == CrashTest);

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None));

        Assert.Equal(TestOutcome.Crashed, result.Outcome);
        Assert.Equal(11, result.Signal);
        Assert.Null(result.ExitCode);
        Assert.Equal("killed by SIGSEGV", result.FailureMessage);
        Assert.DoesNotContain("[ RUN", result.StandardOutput);
    }
}
