using Harness.Core.History;
using Harness.Core.History.Comparison;
using Harness.Core.History.Imports;

namespace Harness.Core.Tests.History;

/// <summary>Baselines from files a team already has, sniffed by content: CTest's cost data (written by a real ctest run), JUnit XML, results.json.</summary>
public sealed class TimingFilesTests
{
    [Fact]
    public void Read_CostDataWrittenByCTest_EveryPassingTestWithItsAverage()
    {
        var build = Fixtures.CMake("c-timing", CFlavour.O0);
        using var directory = new TempDirectory("ctest-cost");
        // ctest writes Testing/Temporary/CTestCostData.txt in the build tree it runs: run it on a private copy of the
        // tree (its CTestTestfile.cmake names the built programs by absolute path, so they need no copying rights).
        CopyTree(build.BuildDirectory, directory.Path);
        ProcessRunner.Run("ctest", ["--test-dir", directory.Path, "-R", "sleep_120ms|spin_10ms"]).EnsureSuccess("ctest on c-timing");

        var source = TimingFiles.Read(Path.Combine(directory.Path, "Testing", "Temporary", "CTestCostData.txt"));

        var byName = source.Sets.ToDictionary(s => s.Name, s => Assert.Single(s.Values));
        Assert.InRange(byName["sleep_120ms"], 0.115, 5);
        Assert.InRange(byName["spin_10ms"], 0.005, 5);
        Assert.False(byName.ContainsKey("sleep_300ms"), "a test ctest never ran has count 0 and no sample");
    }

    [Fact]
    public void Read_CostDataWithFailedSection_FailedTestsLeftOutAndSpacesInNamesKept()
    {
        using var directory = new TempDirectory("ctest-cost-failed");
        var path = directory.File("CTestCostData.txt");
        File.WriteAllText(path, "passes 3 0.5\nwith space 2 1.25\nfails 1 0.1\n---\nfails\n");

        var source = TimingFiles.Read(path);

        Assert.Equal(["passes", "with space"], source.Sets.Select(s => s.Name));
        Assert.Equal([1.25], source.Sets[1].Values);
    }

    [Fact]
    public void Read_JUnitFromAnotherTool_PassingTestcasesAsClassnameDotName()
    {
        using var directory = new TempDirectory("junit-other");
        var path = directory.File("report.xml");
        File.WriteAllText(path, """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites><testsuite name="Shapes" tests="3">
              <testcase name="Area" classname="Shapes" time="0.012"/>
              <testcase name="Broken" classname="Shapes" time="0.5"><failure message="no"/></testcase>
              <testcase name="Skip" classname="Shapes" time="0"><skipped/></testcase>
              <testcase name="Perimeter" classname="Shapes" time="1.5e-2"></testcase>
            </testsuite></testsuites>
            """);

        var source = TimingFiles.Read(path);

        Assert.Equal(["Shapes.Area", "Shapes.Perimeter"], source.Sets.Select(s => s.Name));
        Assert.Equal([0.015], source.Sets[1].Values);
    }

    [Fact]
    public void Read_XmlWithDtd_RejectedWithoutExpandingEntities()
    {
        using var directory = new TempDirectory("junit-dtd");
        var path = directory.File("evil.xml");
        File.WriteAllText(path, """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <testsuite><testcase name="&lol2;" classname="x" time="1"/></testsuite>
            """);

        var error = Assert.Throws<HistoryException>(() => TimingFiles.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NeitherFormat_ClearErrorNamingTheFile()
    {
        using var directory = new TempDirectory("timing-garbage");
        var path = directory.File("notes.txt");
        File.WriteAllText(path, "this is not a timing file\n");
        var error = Assert.Throws<HistoryException>(() => TimingFiles.Read(path));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Align_ForeignNamesEndingHarnessNames_RenamedOnlyWhenUnique()
    {
        var foreign = new SampleSource("f", [new("c_pass", [1]), new("tests::adds", [2]), new("dup", [3]), new("s.b.exact", [4])]);
        var names = new[] { "suite.c_pass.c_pass", "rust.calc.lib.tests.adds", "a.dup", "b.dup", "s.b.exact" };

        var aligned = NameMatching.Align(foreign, names);

        Assert.Equal(["suite.c_pass.c_pass", "rust.calc.lib.tests.adds", "dup", "s.b.exact"], aligned.Sets.Select(s => s.Name));
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
