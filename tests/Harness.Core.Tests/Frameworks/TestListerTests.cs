using Harness.Core.Frameworks;
using Harness.Core.Frameworks.Catch2;
using Harness.Core.Frameworks.GoogleTest;
using Harness.Core.Frameworks.LibTest;
using Harness.Core.Frameworks.Plain;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Frameworks;

/// <summary>Dispatch, the plain lister, and how listing fails.</summary>
public sealed class TestListerTests
{
    [Theory]
    [InlineData(TestFramework.LibTest, typeof(LibTestLister))]
    [InlineData(TestFramework.GoogleTest, typeof(GoogleTestLister))]
    [InlineData(TestFramework.Catch2, typeof(Catch2Lister))]
    [InlineData(TestFramework.Plain, typeof(PlainLister))]
    public void For_EachFramework_ItsLister(TestFramework framework, Type expected) =>
        Assert.IsType(expected, TestLister.For(framework));

    [Fact]
    public void List_PlainBinary_OneTestNamedAfterTheBinaryWithoutRunningIt()
    {
        var binary = FrameworkBinaries.Of("/nonexistent/c_pass", "c-ctest", "c_pass", TestFramework.Plain);

        var test = Assert.Single(TestLister.List(binary));

        Assert.Equal(new TestCase("c-ctest.c_pass", "c_pass", "", binary, null, null, [], false), test with { Traits = [] });
        Assert.Empty(test.Traits);
    }

    [Fact]
    public void List_PlainFixtureBinary_OneTest()
    {
        var build = Fixtures.CMake("c-ctest", CFlavour.O0);
        var binary = FrameworkBinaries.Of(build.Output("test_pass"), "c-ctest", "c_pass", TestFramework.Plain, build.BuildDirectory, ["input.txt"]);

        Assert.Equal(["c-ctest.c_pass"], TestLister.List(binary).Select(t => t.FullyQualifiedName));
    }

    [Fact]
    public void List_MissingBinary_ListingExceptionNamingIt()
    {
        var binary = FrameworkBinaries.Of("/nonexistent/tests", "s", "tests", TestFramework.GoogleTest, "/");

        var error = Assert.Throws<TestListingException>(() => TestLister.List(binary));

        Assert.Contains("/nonexistent/tests", error.Message);
        Assert.Contains("could not start", error.Message);
    }

    [Fact]
    public void List_BinaryExitsNonZero_ListingExceptionWithExitCodeAndStderr()
    {
        var binary = FrameworkBinaries.Of("/bin/sh", "s", "broken", TestFramework.LibTest, "/",
            ["-c", "echo 'error while loading shared libraries: libx.so' >&2; exit 127"]);

        var error = Assert.Throws<TestListingException>(() => TestLister.List(binary));

        Assert.Equal(127, error.ExitCode);
        Assert.Contains("exit code 127", error.Message);
        Assert.Contains("libx.so", error.Message);
        Assert.Contains("/bin/sh", error.Message);
    }

    [Theory]
    [InlineData(TestFramework.LibTest)]
    [InlineData(TestFramework.Catch2)]
    public void List_UnparseableOutput_ListingException(TestFramework framework)
    {
        var binary = FrameworkBinaries.Of("/bin/sh", "s", "odd", framework, "/", ["-c", "echo 'this is not a listing'"]);

        var error = Assert.Throws<TestListingException>(() => TestLister.List(binary));

        Assert.Contains("s.odd", error.Message);
    }

    [Fact]
    public void List_EnvironmentAndWorkingDirectory_PassedToTheBinary()
    {
        using var directory = new TempDirectory("listing-cwd");
        var binary = new TestBinary("/bin/sh", "s", "env", TestFramework.LibTest, directory.Path,
            new Dictionary<string, string> { ["HARNESS_TEST_NAME"] = "from_env" },
            ["-c", "echo \"$HARNESS_TEST_NAME: test\"; echo \"$(basename \"$PWD\"): test\""], null, []);

        var tests = TestLister.List(binary);

        Assert.Equal(["from_env", Path.GetFileName(directory.Path)], tests.Select(t => t.FrameworkName));
    }

    [Fact]
    public void ListAll_OneBinaryCannotList_ItIsOneFailingTestWithTheErrorAndTheOthersAreListed()
    {
        var broken = FrameworkBinaries.Of("/bin/sh", "s", "broken", TestFramework.GoogleTest, "/", ["-c", "echo 'custom main says no' >&2; exit 3"]);
        var passing = FrameworkBinaries.GoogleTest("gtest_passing_tests");

        var tests = TestLister.ListAll([broken, passing]);

        var failing = Assert.Single(tests, t => t.Binary.BinaryId == "broken");
        Assert.Equal("s.broken", failing.FullyQualifiedName);
        Assert.Equal(TestLister.List(passing).Select(t => t.FullyQualifiedName), tests.Where(t => t != failing).Select(t => t.FullyQualifiedName));
        var result = Assert.Single(TestExecutor.Run([failing], ExecutionOptions.Default, CancellationToken.None));
        Assert.Equal(TestOutcome.Failed, result.Outcome);
        Assert.Contains("custom main says no", result.FailureMessage);
        Assert.Contains("(exit code 3)", result.FailureMessage);
    }

    [Fact]
    public void List_GoogleTestBinaryListingNothing_OnePlainTestThatRunsTheBinaryWhole()
    {
        var binary = FrameworkBinaries.Of("/bin/sh", "s", "registers_at_run_time", TestFramework.GoogleTest, "/", ["-c", "exit 0"]);

        var test = Assert.Single(TestLister.List(binary));

        Assert.Equal(("s.registers_at_run_time", TestFramework.Plain), (test.FullyQualifiedName, test.Binary.Framework));
        Assert.Equal(TestOutcome.Passed, Assert.Single(TestExecutor.Run([test], ExecutionOptions.Default, CancellationToken.None)).Outcome);
    }
}
