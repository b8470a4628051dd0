using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Runs;

/// <summary>Retries and flaky tests, with real processes: a plain test that fails on its first run only.</summary>
public sealed class RetryTests
{
    [Fact]
    public void Run_TestFailingOnlyOnce_WithRetryIsFlakyPassedAfterTwoAttempts()
    {
        using var directory = new TempDirectory("runner-flaky");
        var test = FailsFirstTime(directory);

        var finished = Assert.Single(new TestRun(new RunRequest { Tests = [test], Jobs = 1, Retries = 1 }).Run([]).Results);

        Assert.Equal(TestOutcome.Passed, finished.Result.Outcome);
        Assert.True(finished.IsFlaky);
        Assert.Equal(2, finished.Attempts);
        Assert.False(finished.Fails(flakyFails: false));
        Assert.True(finished.Fails(flakyFails: true));
    }

    [Fact]
    public void Run_TestFailingOnlyOnce_WithoutRetryFailed()
    {
        using var directory = new TempDirectory("runner-no-retry");
        var test = FailsFirstTime(directory);

        var finished = Assert.Single(new TestRun(new RunRequest { Tests = [test], Jobs = 1, Retries = 0 }).Run([]).Results);

        Assert.Equal(TestOutcome.Failed, finished.Result.Outcome);
        Assert.False(finished.IsFlaky);
        Assert.Equal(1, finished.Attempts);
    }

    /// <summary>A shell script that exits 1 when its marker file is missing (creating it), else 0.</summary>
    private static TestCase FailsFirstTime(TempDirectory directory)
    {
        var script = directory.File("flaky.sh");
        File.WriteAllText(script, "#!/bin/sh\nif [ -e \"$0.ran\" ]; then exit 0; fi\ntouch \"$0.ran\"\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var binary = new TestBinary(script, "suite", "flaky", TestFramework.Plain, directory.Path, new Dictionary<string, string>(), [], null, []);
        return new TestCase("suite.flaky", "flaky", "", binary, null, null, [], false);
    }
}
