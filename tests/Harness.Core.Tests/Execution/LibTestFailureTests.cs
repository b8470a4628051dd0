using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Tests.Frameworks;

namespace Harness.Core.Tests.Execution;

/// <summary>libtest's failures in libtest's words, from a real libtest binary (TestData/libtest_failures.rs).</summary>
public sealed class LibTestFailureTests
{
    private static TestResult RunOne(string name)
    {
        var binary = FrameworkBinaries.Of(TestDataProgram.LibTestFailures(), "rust", "failures", TestFramework.LibTest);
        var test = Assert.Single(TestLister.List(binary), t => t.FrameworkName == name);
        return Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None));
    }

    [Fact]
    public void Run_ShouldPanicWithWrongMessage_LibtestsNoteNotThePanic()
    {
        var result = RunOne("wrong_panic_message");

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.StartsWith("panic did not contain expected string", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("\"something else entirely\"", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("\"expected words\"", result.FailureMessage, StringComparison.Ordinal);
        Assert.EndsWith("libtest_failures.rs", result.FailureFile, StringComparison.Ordinal);
        Assert.Equal(7, result.FailureLine);
    }

    [Fact]
    public void Run_ShouldPanicWithoutPanic_DidNotPanicAtTheTest()
    {
        var result = RunOne("does_not_panic");

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Equal("test did not panic as expected", result.FailureMessage);
        Assert.EndsWith("libtest_failures.rs", result.FailureFile, StringComparison.Ordinal);
        Assert.Equal(12, result.FailureLine);
    }

    [Fact]
    public void Run_TestReturnsErr_TheError()
    {
        var result = RunOne("returns_err");

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Equal("Error: \"the error text\"", result.FailureMessage);
    }

    [Theory]
    [InlineData("exits_zero", 0, TestOutcome.Failed)]
    [InlineData("exits_three", 3, TestOutcome.Crashed)]
    public void Run_TestExitsTheProcess_SaysSoNotNoTestNamed(string name, int code, TestOutcome outcome)
    {
        var result = RunOne(name);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(code, result.ExitCode);
        Assert.Equal($"the test exited the process (code {code}) before libtest reported it", result.FailureMessage);
    }

    [Fact]
    public void Run_PassingTest_Passed()
    {
        Assert.Equal(TestOutcome.Passed, RunOne("passes").Outcome);
    }
}
