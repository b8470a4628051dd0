using Harness.Core.Model;
using Harness.Core.Runs;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Discovery;

/// <summary>fixtures/cmake-discover: gtest_discover_tests and catch_discover_tests entries become their binaries again.</summary>
public sealed class DiscoveredTestsTests
{
    private static CMakeBuild Build => Fixtures.CMake("cmake-discover", CFlavour.O0);

    [Fact]
    public void Discover_DiscoveredEntries_OneBinaryPerExecutableWithTheEntriesProperties()
    {
        var binaries = SuiteDiscovery.Discover(Build.BuildDirectory, SuiteKind.CMake);

        // The disabled entry differs in DISABLED, so it is a binary of its own, named the same.
        Assert.Equal(["bank_tests", "bank_tests", "text_tests", "bank_listing"], binaries.Select(b => b.BinaryId));
        var bank = binaries[0];
        Assert.Equal(["AccountTest.StartsEmpty", "AccountTest.SeesItsEnvironment", "AccountTest.DeliberatelyFails"], bank.Selected);
        Assert.Empty(bank.Arguments);
        Assert.Equal(["bank"], bank.Labels);
        Assert.Equal(TimeSpan.FromSeconds(30), bank.Timeout);
        Assert.Equal("test", bank.Environment["BANK_MODE"]);
        Assert.Equal(["AccountTest.DISABLED_NotYet"], binaries[1].Selected);
        Assert.True(binaries[1].CTest!.Disabled);
        Assert.Equal(["upper case, with a comma", "a b", "fails on purpose"], binaries[2].Selected);
        // Its own framework options: run as its command says, as ctest does.
        Assert.Equal(TestFramework.Plain, binaries[3].Framework);
        Assert.Equal(["--gtest_list_tests"], binaries[3].Arguments);
    }

    [Fact]
    public void List_BuildDirectoryAndBinariesGivenDirectly_SameTestNames()
    {
        var viaBuild = TestCatalog.List(new SuiteSpec(Build.BuildDirectory)).Select(t => t.FullyQualifiedName).Order(StringComparer.Ordinal);
        var direct = new[] { "bank_tests", "text_tests" }
            .SelectMany(binary => TestCatalog.List(new SuiteSpec(Build.Output(binary), SuiteKind.Binary)))
            .Select(t => t.FullyQualifiedName).Order(StringComparer.Ordinal);

        Assert.Equal(direct.Append("harness_discover.bank_listing").Order(StringComparer.Ordinal), viaBuild);
        Assert.Contains("harness_discover.bank_tests.AccountTest.StartsEmpty", viaBuild);
    }

    [Fact]
    public void Run_BuildDirectory_OutcomesAsCTestsWithTheEntriesEnvironmentAndLabels()
    {
        var summary = new TestRun(new RunRequest { Suites = [new SuiteSpec(Build.BuildDirectory)], Jobs = 2 }).Run([]);
        var outcomes = summary.Results.ToDictionary(r => r.Test.DisplayName, r => r.Outcome);

        Assert.Equal(new Dictionary<string, TestOutcome>
        {
            ["AccountTest.StartsEmpty"] = TestOutcome.Passed,
            ["AccountTest.SeesItsEnvironment"] = TestOutcome.Passed,
            ["AccountTest.DeliberatelyFails"] = TestOutcome.Failed,
            ["AccountTest.DISABLED_NotYet"] = TestOutcome.Skipped,
            ["upper case, with a comma"] = TestOutcome.Passed,
            ["a b"] = TestOutcome.Passed,
            ["fails on purpose"] = TestOutcome.Failed,
            ["bank_listing"] = TestOutcome.Passed,
        }, outcomes);
        var labelled = new TestSelection(labels: ["^bank$"]).Apply(summary.Results.Select(r => r.Test));
        Assert.Equal(4, labelled.Count);
    }
}
