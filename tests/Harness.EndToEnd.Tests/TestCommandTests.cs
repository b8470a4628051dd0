using System.Text.Json;
using System.Xml.Linq;
using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// <c>harness test</c> as a user runs it on a GoogleTest build directory: outcomes equal what GoogleTest
/// itself reports (a failure, a crash that does not stop the rest, a disabled test), exit codes say it,
/// results.json and junit.xml agree, and partitions split the run without loss or overlap.
/// </summary>
public sealed class TestCommandTests
{
    private static readonly string BuildDirectory = Fixtures.CMake("cpp-gtest", CFlavour.O0).BuildDirectory;

    [Fact]
    public void Test_GoogleTestSuite_OutcomesAsGoogleTestSaysAndExitCode1()
    {
        using var directory = new TempDirectory("test-gtest");
        var result = Run("test", BuildDirectory, "--out", directory.Path);

        Assert.Equal(1, result.ExitCode);
        var outcomes = Outcomes(directory.Path);
        Assert.Equal("crashed", outcomes["harness_cpp_gtest.cpp_gtest.Crash.SegfaultsOnPurpose"]);
        Assert.Equal("failed", outcomes["harness_cpp_gtest.cpp_gtest.Shapes.DeliberatelyFails"]);
        Assert.Equal("skipped", outcomes["harness_cpp_gtest.cpp_gtest.Shapes.DISABLED_NotRunByDefault"]);
        // The value-parameterised tests run after the crash in GoogleTest's order: they must still pass.
        Assert.Equal(3, outcomes.Count(o => o.Key.Contains(".Sizes.AreaParam.", StringComparison.Ordinal) && o.Value == "passed"));
        Assert.Equal(outcomes.Count - 3, outcomes.Count(o => o.Value == "passed"));

        var junit = XDocument.Load(Path.Combine(directory.Path, "junit.xml")).Root!;
        Assert.Equal(outcomes.Count.ToString(), (string?)junit.Attribute("tests"));
        Assert.Equal("1", (string?)junit.Attribute("failures"));
        Assert.Equal("1", (string?)junit.Attribute("errors"));
        Assert.Equal("1", (string?)junit.Attribute("skipped"));
    }

    [Fact]
    public void Test_FailingTestsFilteredOut_ExitCode0()
    {
        using var directory = new TempDirectory("test-filtered");
        var result = Run("test", BuildDirectory, "--filter", "!*Crash*", "--filter", "!*Deliberately*", "--out", directory.Path);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.All(Outcomes(directory.Path).Values, outcome => Assert.Contains(outcome, new[] { "passed", "skipped" }));
    }

    [Fact]
    public void Test_InheritedGoogleTestShardingVariables_StillRunsEveryTest()
    {
        using var directory = new TempDirectory("test-gtest-shard-env");
        var sharded = new Dictionary<string, string?> { ["GTEST_TOTAL_SHARDS"] = "3", ["GTEST_SHARD_INDEX"] = "2" };

        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, "test", BuildDirectory, "--out", directory.Path], environment: sharded,
            timeout: TimeSpan.FromMinutes(3));

        var outcomes = Outcomes(directory.Path);
        Assert.DoesNotContain(outcomes, o => o.Value is not ("passed" or "failed" or "crashed" or "skipped"));
        Assert.Equal(outcomes.Count - 3, outcomes.Count(o => o.Value == "passed"));
    }

    [Fact]
    public void Test_TwoHashPartitions_TogetherRunEveryTestOnce()
    {
        using var whole = new TempDirectory("test-whole");
        using var first = new TempDirectory("test-shard1");
        using var second = new TempDirectory("test-shard2");
        Run("test", BuildDirectory, "--out", whole.Path);
        Run("test", BuildDirectory, "--partition", "hash:1/2", "--out", first.Path);
        Run("test", BuildDirectory, "--partition", "hash:2/2", "--out", second.Path);

        var shards = Outcomes(first.Path).Keys.Concat(Outcomes(second.Path).Keys).ToList();
        Assert.Equal(Outcomes(whole.Path).Keys.Order(), shards.Order());
    }

    [Fact]
    public void Test_WithCoverage_SameOutcomesAndLcovOfTheSuiteAndItsLibrary()
    {
        using var plain = new TempDirectory("test-plain");
        using var covered = new TempDirectory("test-coverage");
        Run("test", BuildDirectory, "--out", plain.Path);
        var result = Run("test", BuildDirectory, "--coverage", "--out", covered.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(Outcomes(plain.Path), Outcomes(covered.Path));
        var lcov = LcovFile.Read(Path.Combine(covered.Path, "lcov.info"));
        var shapes = Assert.Single(lcov, r => r.Path.EndsWith("/src/shapes.cpp", StringComparison.Ordinal));
        Assert.Contains(shapes.Lines, l => l.Value > 0);
        Assert.Contains(lcov, r => r.Path.EndsWith("/tests/fixture_tests.cpp", StringComparison.Ordinal) && r.Lines.Values.Any(h => h > 0));
        Assert.Matches(@"harness: lines: \d+/\d+", result.StandardOutput);
    }

    [Fact]
    public void Test_PerTestCoverage_LineOnlyOneTestRunsAttributedToExactlyThatTest()
    {
        using var directory = new TempDirectory("test-per-test");
        var rust = Fixtures.Rust(RustFlavour.Default).SourceDirectory;
        var result = Run("test", rust, "--per-test-coverage", "--filter", "rust.calc.lib.", "--out", directory.Path);
        Assert.True(result.ExitCode == 1, result.StandardOutput + result.StandardError); // one test fails on purpose

        var arith = Path.Combine(rust, "calc", "src", "arith.rs");
        var panicLine = Array.FindIndex(File.ReadAllLines(arith), l => l.Contains("panic!(\"division by zero\")", StringComparison.Ordinal)) + 1;
        Assert.True(panicLine > 0);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.Path, "results.json")));
        var byLine = document.RootElement.GetProperty("testsByLine").GetProperty(arith);
        var tests = byLine.GetProperty(panicLine.ToString()).EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(["rust.calc.lib.tests.div_by_zero_panics"], tests);
    }

    [Fact]
    public void Test_MissingSuite_ExitCode2()
    {
        var result = Run("test", "/nonexistent/suite");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/suite", result.StandardError, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Outcomes(string directory)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "results.json")));
        return document.RootElement.GetProperty("tests").EnumerateArray()
            .ToDictionary(t => t.GetProperty("fullyQualifiedName").GetString()!, t => t.GetProperty("outcome").GetString()!);
    }

    private static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(3));
}
