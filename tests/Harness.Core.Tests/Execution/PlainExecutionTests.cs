using System.Diagnostics;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Execution;

/// <summary>Running the CTest fixture's plain executables as CTest declares them, checked against ctest's verdicts.</summary>
public sealed class PlainExecutionTests
{
    private static IReadOnlyList<TestBinary> Binaries() =>
        SuiteDiscovery.Discover(Fixtures.CMake("c-ctest", CFlavour.O0).BuildDirectory, SuiteKind.CMake);

    private static TestResult RunOne(string binaryId, ExecutionOptions options)
    {
        var test = Assert.Single(TestLister.List(Binaries().Single(b => b.BinaryId == binaryId)));
        return Assert.Single(TestExecutor.Run([test], options, CancellationToken.None));
    }

    [Fact]
    public void Run_CPass_PassedWithItsWorkingDirectoryAndEnvironment()
    {
        var result = RunOne("c_pass", ExecutionOptions.Default);

        Assert.Equal(TestOutcome.Passed, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.FailureMessage);
    }

    [Fact]
    public void Run_CFail_FailedWithExitCode()
    {
        var result = RunOne("c_fail", ExecutionOptions.Default);

        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("exit code 1", result.FailureMessage);
    }

    [Fact]
    public void Run_CTimeoutWithOneSecond_TimedOutQuicklyAndNothingLeft()
    {
        var clock = Stopwatch.StartNew();

        var result = RunOne("c_timeout", ExecutionOptions.Default with { Timeout = TimeSpan.FromSeconds(1), KillGrace = TimeSpan.FromSeconds(1) });

        Assert.Equal(TestOutcome.TimedOut, result.Outcome);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
        Assert.Contains("c_timeout: sleeping 10 s", result.StandardOutput);
        Assert.Contains("timed out after 1 s", result.FailureMessage);
        var path = Binaries().Single(b => b.BinaryId == "c_timeout").Path;
        Assert.DoesNotContain(path, RunningCommandLines());
    }

    [Fact]
    public void Run_CTimeoutWithBinaryTimeout_UsesCTestTimeout()
    {
        var binary = Binaries().Single(b => b.BinaryId == "c_timeout");
        var test = Assert.Single(TestLister.List(binary with { Arguments = ["1"] }));

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None));

        // CTest's TIMEOUT is 2 s; sleeping 1 s passes under it.
        Assert.Equal(TestOutcome.Passed, result.Outcome);
    }

    [Fact]
    public void Run_Cancelled_ThrowsAndKillsTheGroup()
    {
        var test = Assert.Single(TestLister.List(Binaries().Single(b => b.BinaryId == "c_timeout")));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => TestExecutor.Run([test], ExecutionOptions.Default, cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.DoesNotContain(test.Binary.Path, RunningCommandLines());
    }

    [Fact]
    public void Run_KilledBySignal_CrashedNamingTheSignal()
    {
        var binary = new TestBinary("/bin/sh", "sh", "abort", TestFramework.Plain, Path.GetTempPath(),
            new Dictionary<string, string>(), ["-c", "kill -SEGV $$"], null, []);
        var test = Assert.Single(TestLister.List(binary));

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None));

        Assert.Equal(TestOutcome.Crashed, result.Outcome);
        Assert.Equal(11, result.Signal);
        Assert.Null(result.ExitCode);
        Assert.Equal("killed by SIGSEGV", result.FailureMessage);
    }

    [Fact]
    public void Run_MissingExecutable_CrashedWithReason()
    {
        var binary = new TestBinary("/nonexistent/harness-test-binary", "x", "missing", TestFramework.Plain, Path.GetTempPath(),
            new Dictionary<string, string>(), [], null, []);
        var test = new TestCase("x.missing", "missing", "missing", binary, null, null, [], false);

        var result = Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None));

        Assert.Equal(TestOutcome.Crashed, result.Outcome);
        Assert.Contains("no such file", result.FailureMessage);
        Assert.Null(result.ExitCode);
    }

    /// <summary>The command lines of every process still running (a process gone between listing and reading is skipped).</summary>
    private static List<string> RunningCommandLines()
    {
        var lines = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }
            try
            {
                lines.Add(File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' '));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
    }
}
