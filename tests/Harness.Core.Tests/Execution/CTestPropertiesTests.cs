using System.Text.RegularExpressions;
using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Execution;

/// <summary>
/// fixtures/ctest-props run by harness and by <c>ctest --output-on-failure</c>, entry by entry: every CTest property
/// that changes a verdict, the order or what runs beside what. One harness run and one ctest run are shared.
/// </summary>
public sealed class CTestPropertiesTests
{
    private static readonly Lazy<Run> Shared = new(() => RunSuite(new TestSelection(), jobs: 2));

    private sealed record Run(RunSummary Summary, List<string> Log)
    {
        public Dictionary<string, FinishedTest> ByEntry => Summary.Results.ToDictionary(r => r.Test.Binary.CTest!.Name);
    }

    private static CMakeBuild Build => Fixtures.CMake("ctest-props", CFlavour.O0);

    private static Run RunSuite(TestSelection selection, int jobs)
    {
        // Each run in a directory of its own: the entries' files (order.log, db.ready) are relative to it.
        using var directory = new TempDirectory("ctest-props");
        var suite = new SuiteSpec(Build.BuildDirectory, SuiteKind.CMake) { WorkingDirectory = directory.Path };
        var summary = new TestRun(new RunRequest { Suites = [suite], Jobs = jobs, Selection = selection }).Run([]);
        var log = directory.File("order.log");
        return new Run(summary, File.Exists(log) ? [.. File.ReadAllLines(log)] : []);
    }

    [Fact]
    public void Run_PropsSuite_EveryEntryJudgedAsCTestJudgesIt()
    {
        var ctest = CTestOracle(Build.BuildDirectory);
        var ours = Shared.Value.ByEntry;

        Assert.Equal(ctest.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        Assert.All(ctest, entry => Assert.True(entry.Value == ours[entry.Key].Outcome,
            $"{entry.Key}: ctest {entry.Value}, harness {ours[entry.Key].Outcome} ({ours[entry.Key].Result.FailureMessage})"));
        // Spot checks that the oracle is not trivially equal: every kind of verdict occurs.
        Assert.Equal(TestOutcome.Passed, ours["will_fail"].Outcome);
        Assert.Equal(TestOutcome.Passed, ours["pass_regex"].Outcome);
        Assert.Equal(TestOutcome.Skipped, ours["skip_code"].Outcome);
        Assert.Equal(TestOutcome.Skipped, ours["disabled"].Outcome);
        Assert.Equal(TestOutcome.Crashed, ours["will_fail_crashes"].Outcome);
        Assert.Equal(TestOutcome.TimedOut, ours["times_out"].Outcome);
        Assert.Equal(TestOutcome.Passed, ours["environment_modification"].Outcome);
    }

    [Fact]
    public void Run_PropsSuite_NamesAsCTestShowsThem()
    {
        var names = Shared.Value.Summary.Results.Select(r => (r.Test.FullyQualifiedName, r.Test.DisplayName)).ToList();

        Assert.Contains(("harness_ctest_props.name.with.dots", "name.with.dots"), names);
        Assert.Contains(("harness_ctest_props.name with spaces", "name with spaces"), names);
        Assert.Contains(("harness_ctest_props.name_with_dots", "name_with_dots"), names);
    }

    [Fact]
    public void Run_PropsSuite_FailuresSayWhyAsCTestDoes()
    {
        var ours = Shared.Value.ByEntry;

        Assert.Equal("SKIP_RETURN_CODE=77", ours["skip_code"].Result.FailureMessage);
        Assert.Equal("error regular expression found in output: [^ERROR]", ours["fail_regex"].Result.FailureMessage);
        Assert.StartsWith("required regular expression not found", ours["pass_regex_missing"].Result.FailureMessage);
        Assert.Equal($"not run: required file missing: {Path.Combine(Build.SourceDirectory, "no-such-file")}", ours["required_missing"].Result.FailureMessage);
        Assert.Equal("not run: the setup of fixture net failed", ours["net_user"].Result.FailureMessage);
        Assert.Equal(0, ours["net_user"].Attempts);
    }

    [Fact]
    public void Run_PropsSuite_FixtureSetupBeforeItsTestsCleanupAfterAndDependsInOrder()
    {
        var log = Shared.Value.Log;

        Assert.True(Index(log, "db_setup end") < Index(log, "db_user start"), string.Join('\n', log));
        Assert.True(Index(log, "db_user end") < Index(log, "db_cleanup start"), string.Join('\n', log));
        Assert.True(Index(log, "depends_first end") < Index(log, "depends_second start"), string.Join('\n', log));
        // The cleanup of a fixture whose setup failed still runs.
        Assert.Contains("net_cleanup end", log);
    }

    [Fact]
    public void Run_PropsSuite_LockedSerialAndWideEntriesRunWithNothingBeside()
    {
        var log = Shared.Value.Log;

        Assert.False(Overlap(log, "lock_a", "lock_b"), string.Join('\n', log));
        foreach (var alone in new[] { "serial", "wide" })
        {
            // With two jobs, RUN_SERIAL and PROCESSORS 2 both leave no room: no other entry starts or ends in between.
            Assert.Equal(Index(log, $"{alone} start") + 1, Index(log, $"{alone} end"));
        }
    }

    [Fact]
    public void Run_LabelSelection_SelectsAsCTestLAndBringsTheFixturesAlong()
    {
        var run = RunSuite(new TestSelection(labels: ["^fix"], excludeLabels: ["net"]), jobs: 2);

        Assert.Equal(["db_cleanup", "db_setup", "db_user"], run.ByEntry.Keys.Order(StringComparer.Ordinal));
        Assert.All(run.Summary.Results, r => Assert.Equal(TestOutcome.Passed, r.Outcome));
        Assert.Equal(CTestSelection(Build.BuildDirectory, ["-L", "^fix", "-LE", "net"]), run.ByEntry.Keys.Order(StringComparer.Ordinal));
    }

    private static int Index(List<string> log, string line)
    {
        var index = log.IndexOf(line);
        Assert.True(index >= 0, $"'{line}' not in the log:\n{string.Join('\n', log)}");
        return index;
    }

    private static bool Overlap(List<string> log, string a, string b) =>
        Index(log, $"{a} start") < Index(log, $"{b} end") && Index(log, $"{b} start") < Index(log, $"{a} end");

    /// <summary>
    /// Each entry's verdict from <c>ctest --output-on-failure</c>'s closing lists, in harness's terms: not listed is
    /// passed, "did not run" is skipped, a failure by its kind; "Not Run" is a failure for ctest, except a dependent
    /// of a failed fixture setup ("Failed test dependencies"), which harness reports skipped (the setup already failed).
    /// </summary>
    private static Dictionary<string, TestOutcome> CTestOracle(string buildDirectory)
    {
        using var directory = new TempDirectory("ctest-props-oracle");
        var result = ProcessRunner.Run("ctest", ["--test-dir", buildDirectory, "--output-on-failure", "-j2"], directory.Path, timeout: TimeSpan.FromMinutes(2));
        var output = result.StandardOutput;
        var verdicts = Regex.Matches(output, @"^\s*\d+/\d+ Test\s+#\d+: (.+?) \.+", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, _ => TestOutcome.Passed);
        var dependents = Regex.Matches(output, @"^Failed test dependencies: .*\n\s*\d+/\d+ Test\s+#\d+: (.+?) \.+", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet();
        foreach (Match m in Regex.Matches(output, @"^\t\s*\d+ - (.+) \((.+)\)$", RegexOptions.Multiline))
        {
            var name = m.Groups[1].Value;
            verdicts[name] = m.Groups[2].Value switch
            {
                "Skipped" or "Disabled" => TestOutcome.Skipped,
                "Failed" => TestOutcome.Failed,
                "Timeout" => TestOutcome.TimedOut,
                "Not Run" => dependents.Contains(name) ? TestOutcome.Skipped : TestOutcome.Failed,
                _ => TestOutcome.Crashed,
            };
        }
        // Disabled entries get no progress line, only the closing list.
        Assert.True(verdicts.Count > 30, output);
        return verdicts;
    }

    private static List<string> CTestSelection(string buildDirectory, string[] arguments)
    {
        var result = ProcessRunner.Run("ctest", ["--test-dir", buildDirectory, "-N", .. arguments], buildDirectory);
        return [.. Regex.Matches(result.StandardOutput, @"Test\s+#\d+: (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value.Trim()).Order(StringComparer.Ordinal)];
    }
}
