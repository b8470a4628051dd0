using Harness.Core.Frameworks;
using Harness.Core.Frameworks.LibTest;
using Harness.Core.Model;
using Harness.Core.Tests.Frameworks;

namespace Harness.Core.Tests.Execution;

/// <summary>Running the Rust fixture's libtest binaries one test per process, checked against libtest's own run.</summary>
public sealed class LibTestExecutionTests
{
    private static readonly ExecutionOptions Options = ExecutionOptions.Default;

    [Fact]
    public void Run_CalcUnitTests_OutcomesEqualLibtestOwnRun()
    {
        var binary = FrameworkBinaries.CalcUnitTests();
        var tests = TestLister.List(binary);

        var results = TestExecutor.Run(tests, Options, CancellationToken.None);

        Assert.Equal(tests, results.Select(r => r.Test));
        var oracle = ExecutionOracle.LibTest(binary, includeIgnored: false);
        Assert.Equal(oracle.Count, results.Count);
        Assert.All(results, r => Assert.Equal((r.Test.FrameworkName, oracle[r.Test.FrameworkName]), (r.Test.FrameworkName, r.Outcome)));
    }

    [Fact]
    public void Run_DeliberatelyFails_FailedWithPanicMessageAndLocation()
    {
        var test = Single(FrameworkBinaries.CalcUnitTests(), "tests::deliberately_fails");

        var result = Assert.Single(TestExecutor.Run([test], Options, CancellationToken.None));

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Equal(101, result.ExitCode);
        Assert.Null(result.Signal);
        Assert.NotNull(result.FailureFile);
        Assert.EndsWith(Path.Combine("calc", "src", "lib.rs"), result.FailureFile);
        Assert.True(File.Exists(result.FailureFile), result.FailureFile);
        Assert.Equal(LineOf(result.FailureFile, "assert_eq!(add(2, 2), 5, \"two plus two\")"), result.FailureLine);
        Assert.Contains("two plus two", result.FailureMessage);
        Assert.Contains("left: 4", result.FailureMessage);
        Assert.DoesNotContain("stack backtrace", result.FailureMessage);
        Assert.Contains("stdout from deliberately_fails", result.StandardOutput);
    }

    [Fact]
    public void Run_ShouldPanicTest_Passed()
    {
        var result = Assert.Single(TestExecutor.Run([Single(FrameworkBinaries.CalcUnitTests(), "tests::div_by_zero_panics")], Options, CancellationToken.None));

        Assert.Equal(TestOutcome.Passed, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.FailureMessage);
    }

    [Fact]
    public void Run_IgnoredTest_SkippedWithoutRunIgnoredAndPassedWithIt()
    {
        var test = Single(FrameworkBinaries.CalcUnitTests(), "tests::ignored_expensive");
        Assert.True(test.IsIgnored);

        var skipped = Assert.Single(TestExecutor.Run([test], Options, CancellationToken.None));
        var run = Assert.Single(TestExecutor.Run([test], Options with { RunIgnored = true }, CancellationToken.None));

        Assert.Equal(TestOutcome.Skipped, skipped.Outcome);
        Assert.Null(skipped.ExitCode);
        Assert.Equal(ExecutionOracle.LibTest(FrameworkBinaries.CalcUnitTests(), includeIgnored: true)["tests::ignored_expensive"], run.Outcome);
        Assert.Equal(TestOutcome.Passed, run.Outcome);
    }

    [Fact]
    public void Run_NameNotInBinary_FailedNotPassed()
    {
        var real = Single(FrameworkBinaries.CalcUnitTests(), "tests::add_saturates");
        var missing = real with { FrameworkName = "tests::no_such_test", FullyQualifiedName = "rust.calc.lib.tests.no_such_test" };

        var result = Assert.Single(TestExecutor.Run([missing], Options, CancellationToken.None));

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Contains("no test named 'tests::no_such_test'", result.FailureMessage);
    }

    [Fact]
    public void ParsePanic_RelativeFileNotFound_KeptAsPrinted()
    {
        const string stderr = "thread 'a::b' (123) panicked at src/nowhere.rs:7:5:\nboom\nsecond line\nnote: run with `RUST_BACKTRACE=1`\n";

        var (message, file, line) = LibTestRunner.ParsePanic(stderr, Path.GetTempPath());

        Assert.Equal("boom\nsecond line", message);
        Assert.Equal("src/nowhere.rs", file);
        Assert.Equal(7, line);
    }

    [Fact]
    public void ParsePanic_OldFormatWithoutThreadId_Parsed()
    {
        var (message, file, line) = LibTestRunner.ParsePanic("thread 'main' panicked at /abs/x.rs:12:3:\nmsg\n", "/");

        Assert.Equal(("msg", "/abs/x.rs", 12), (message, file, line));
    }

    internal static Harness.Core.Model.TestCase Single(Harness.Core.Model.TestBinary binary, string frameworkName) =>
        TestLister.List(binary).Single(t => t.FrameworkName == frameworkName);

    internal static int LineOf(string file, string text) =>
        File.ReadLines(file).Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1;
}
