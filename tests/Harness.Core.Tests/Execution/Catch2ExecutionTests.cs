using System.Xml.Linq;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Tests.Frameworks;

namespace Harness.Core.Tests.Execution;

/// <summary>Running the Catch2 fixture in one batch, checked against Catch2's own XML run of the whole binary.</summary>
public sealed class Catch2ExecutionTests
{
    [Fact]
    public void Run_FixtureTests_OutcomesEqualCatch2OwnRun()
    {
        var binary = FrameworkBinaries.Catch2Fixture();
        var tests = TestLister.List(binary);

        var results = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None);

        Assert.Equal(tests, results.Select(r => r.Test));
        var oracle = Oracle(binary.Path);
        var run = results.Where(r => !r.Test.IsIgnored).ToList();
        Assert.Equal(oracle.Count, run.Count);
        Assert.All(run, r => Assert.Equal((r.Test.FrameworkName, oracle[r.Test.FrameworkName]), (r.Test.FrameworkName, r.Outcome)));

        var hidden = Assert.Single(results, r => r.Test.IsIgnored);
        Assert.Equal("hidden integration case", hidden.Test.FrameworkName);
        Assert.Equal(TestOutcome.Skipped, hidden.Outcome);
    }

    [Fact]
    public void Run_BatchWithAFailure_NoTestCarriesTheBatchsExitCode()
    {
        var tests = TestLister.List(FrameworkBinaries.Catch2Fixture()).Where(t => !t.IsIgnored).ToList();

        var results = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None);

        // The process exits 1 (one failed case): that is the batch's code, not any one test's.
        Assert.Contains(results, r => r.Outcome == TestOutcome.Failed);
        Assert.All(results, r => Assert.Null(r.ExitCode));
        var alone = Assert.Single(TestExecutor.Run([tests.First(t => t.FrameworkName == "fib deliberately fails")], ExecutionOptions.Default, CancellationToken.None));
        Assert.Equal(1, alone.ExitCode);
    }

    [Fact]
    public void Run_FibDeliberatelyFails_FailedWithFileLineAndExpression()
    {
        var binary = FrameworkBinaries.Catch2Fixture();
        var test = TestLister.List(binary).Single(t => t.FrameworkName == "fib deliberately fails");

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None));

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        var source = Path.Combine(Repository.FixturesDirectory, "catch2", "tests", "textutil_tests.cpp");
        Assert.Equal(source, result.FailureFile);
        Assert.Equal(LibTestExecutionTests.LineOf(source, "REQUIRE(textutil::fib(7) == 14)"), result.FailureLine);
        Assert.Equal("REQUIRE( textutil::fib(7) == 14 ) with expansion: 13 == 14", result.FailureMessage);
        Assert.True(result.Duration > TimeSpan.Zero);
    }

    [Fact]
    public void Run_HiddenWithRunIgnored_RunAndPassed()
    {
        var test = TestLister.List(FrameworkBinaries.Catch2Fixture()).Single(t => t.IsIgnored);

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default with { RunIgnored = true }, CancellationToken.None));

        Assert.Equal(TestOutcome.Passed, result.Outcome);
    }

    [Fact]
    public void Run_NamesNeedingEscapes_EachRunAndPassed()
    {
        var tests = TestLister.List(FrameworkBinaries.Catch2Names());

        var results = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Outcome is TestOutcome.Passed or TestOutcome.Skipped, $"{r.Test.FrameworkName}: {r.Outcome} {r.FailureMessage}"));
    }

    [Fact]
    public void Run_CaseDiesBySignal_CrashedAndTheCasesAfterItRunAgain()
    {
        var binary = FrameworkBinaries.Of(TestDataProgram.Catch2Crash(), "catch2", "crash", Harness.Core.Model.TestFramework.Catch2);
        var tests = TestLister.List(binary);

        var results = TestExecutor.Run(tests, ExecutionOptions.Default, CancellationToken.None).ToDictionary(r => r.Test.FrameworkName);

        Assert.Equal(4, results.Count);
        Assert.Equal(TestOutcome.Passed, results["a passes first"].Outcome);
        Assert.Null(results["a passes first"].Signal);
        var crashed = results["b segfaults"];
        Assert.Equal(TestOutcome.Crashed, crashed.Outcome);
        Assert.Equal(11, crashed.Signal);
        Assert.StartsWith("killed by SIGSEGV", crashed.FailureMessage);
        Assert.Equal(TestOutcome.Passed, results["c passes after"].Outcome);
        Assert.Equal(TestOutcome.Failed, results["d fails after"].Outcome);
        Assert.EndsWith("catch2_crash.cpp", results["d fails after"].FailureFile);
        Assert.Equal(LibTestExecutionTests.LineOf(results["d fails after"].FailureFile!, "d fails after"), results["d fails after"].FailureLine);
    }

    /// <summary>Catch2's verdict per case from its own XML run of everything not hidden.</summary>
    private static Dictionary<string, TestOutcome> Oracle(string path)
    {
        var xml = Path.Combine(Path.GetTempPath(), $"catch2-oracle-{Guid.NewGuid():N}.xml");
        try
        {
            ProcessRunner.Run(path, ["-r", "xml", "-o", xml]);
            return XDocument.Load(xml).Descendants("TestCase").ToDictionary(
                c => (string)c.Attribute("name")!,
                c => (string?)c.Element("OverallResult")?.Attribute("success") == "true" ? TestOutcome.Passed : TestOutcome.Failed);
        }
        finally
        {
            File.Delete(xml);
        }
    }
}
