using System.Globalization;
using System.Text.RegularExpressions;
using Harness.EndToEnd.Tests.Support;
using Harness.Testing;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness cover</c> as a user runs it: it exits as the program did (its exit code, 128 + the signal that
/// killed it, 137 after --timeout), passes the program's stdout through, writes an LCOV and a Cobertura
/// report that parse and agree with each other, and prints a summary whose numbers are the reports' totals.
/// </summary>
public sealed partial class CoverCommandTests
{
    public static TheoryData<string, string[], int, string> Endings() => new()
    {
        { "threads", [], 0, "exit code 0" },
        { "exec_helper", [], 3, "exit code 3" },
        { "crasher", [], 139, "killed by signal 11" },
        { "aborter", [], 134, "killed by signal 6" },
        { "dlopen_user", [], 0, "exit code 0" },
        { "sleeper", ["--timeout", "1"], 137, "timed out after 1 s, killed" },
    };

    [Theory]
    [MemberData(nameof(Endings))]
    public void Cover_Program_ExitsAsProgramWithConsistentReportsAndSummary(string program, string[] options, int exitCode, string ending)
    {
        using var directory = new TempDirectory(program);
        var path = CTrace.Program(program);

        var run = HarnessCover.Run(directory.File("out"), options, path);

        Assert.True(run.ExitCode == exitCode, run.ToString());
        var summary = run.Summary();
        Assert.Equal(Path.GetFileName(path), summary.Program);
        Assert.Equal(ending, summary.Ending);

        var lcov = LcovFile.Read(run.LcovPath);
        Assert.NotEmpty(lcov);
        Assert.All(lcov, record => Assert.StartsWith(Path.Combine(Repository.FixturesDirectory, "c-trace", "src") + "/", record.Path, StringComparison.Ordinal));
        Assert.Equal(lcov.Count, summary.Files);
        Assert.Equal(lcov.Sum(r => r.LinesHit), summary.LinesCovered);
        Assert.Equal(lcov.Sum(r => r.Lines.Count), summary.LinesValid);
        // Floored to one decimal, as lcov does (and as harness report and the markdown summary say it).
        Assert.Equal(Math.Floor(1000.0 * summary.LinesCovered / summary.LinesValid) / 10, summary.Percent);

        var cobertura = CoberturaFile.Read(run.CoberturaPath);
        Assert.Equal(summary.LinesCovered, cobertura.LinesCovered);
        Assert.Equal(summary.LinesValid, cobertura.LinesValid);
        Assert.Equal(lcov.Select(r => r.Path).Order(StringComparer.Ordinal), cobertura.Files.Keys.Order(StringComparer.Ordinal));
        foreach (var record in lcov)
        {
            Assert.Equal(
                record.Lines.OrderBy(l => l.Key).Select(l => (l.Key, l.Value > 0)),
                cobertura.Files[record.Path].OrderBy(l => l.Key).Select(l => (l.Key, l.Value > 0)));
        }
    }

    [Theory]
    [InlineData("threads")]
    [InlineData("exec_helper")]
    [InlineData("crasher")]
    [InlineData("dlopen_user")]
    public void Cover_Program_PassesTheProgramsStdoutThrough(string program)
    {
        using var directory = new TempDirectory(program);
        var path = CTrace.Program(program);
        var native = ProcessRunner.Run(path, []);

        var run = HarnessCover.Run(directory.File("out"), [], path);

        Assert.NotEmpty(native.StandardOutput);
        Assert.Equal(native.StandardOutput, run.Process.StandardOutput);
    }

    [Fact]
    public void Cover_SleeperWithTimeout_EndsWithinSecondsAndLeavesNoProcess()
    {
        using var directory = new TempDirectory("sleeper");

        // 3 s, not 1: on a loaded machine the sleeper may not reach its "started" line within one second.
        var run = HarnessCover.Run(directory.File("out"), ["--timeout", "3"], CTrace.Program("sleeper"));

        Assert.True(run.ExitCode == 137, run.ToString());
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(12), $"harness cover --timeout 3 took {run.Elapsed.TotalSeconds:F1} s");
        var pids = SleeperLine().Match(run.Process.StandardError);
        Assert.True(pids.Success, run.ToString());
        ProcessState.AssertGone(int.Parse(pids.Groups[1].Value, CultureInfo.InvariantCulture), "sleeper parent", TimeSpan.FromSeconds(2));
        ProcessState.AssertGone(int.Parse(pids.Groups[2].Value, CultureInfo.InvariantCulture), "sleeper child", TimeSpan.FromSeconds(2));
        Assert.Equal("started\n", run.Process.StandardOutput);
    }

    [GeneratedRegex(@"sleeper: parent (\d+) child (\d+)")]
    private static partial Regex SleeperLine();
}
