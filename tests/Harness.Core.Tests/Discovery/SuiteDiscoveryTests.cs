using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Discovery;

public sealed class SuiteDiscoveryTests
{
    [Fact]
    public void Discover_ExecutableInCMakeBuild_OneBinaryNamedByFileInSuiteOfItsProject()
    {
        var build = Fixtures.CMake("cpp-gtest", CFlavour.O0);
        var path = build.Output("gtest_fixture_tests");

        var binary = Assert.Single(SuiteDiscovery.Discover(path));

        // The project's name, as when the build directory is given: the same binary gets the same test names both ways.
        Assert.Equal(new TestBinary(path, "harness_cpp_gtest", "gtest_fixture_tests", TestFramework.GoogleTest, build.BuildDirectory, binary.Environment, binary.Arguments, null, binary.Labels), binary);
        Assert.Empty(binary.Environment);
        Assert.Empty(binary.Arguments);
        Assert.Empty(binary.Labels);
    }

    [Fact]
    public void Discover_ExecutableWithDotsInName_DotsReplacedInIds()
    {
        using var directory = new TempDirectory("discover-dots");
        var nested = Directory.CreateDirectory(Path.Combine(directory.Path, "v1.2")).FullName;
        var program = Path.Combine(nested, "run.tests.sh");
        // An ELF executable under a script-like name: test binaries must be ELF executables, scripts run only as CTest commands.
        File.Copy("/usr/bin/true", program);
        ProcessRunner.Run("chmod", ["u+x", program]).EnsureSuccess("chmod");

        var binary = Assert.Single(SuiteDiscovery.Discover(program));

        Assert.Equal(("v1_2", "run_tests_sh", TestFramework.Plain), (binary.Suite, binary.BinaryId, binary.Framework));
    }

    [Fact]
    public void Discover_MissingPath_SuiteExceptionNamingPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"harness-missing-{Guid.NewGuid():N}");

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Null(error.ExitCode);
    }

    [Fact]
    public void Discover_EmptyDirectory_SuiteException()
    {
        using var directory = new TempDirectory("discover-empty");

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(directory.Path));

        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a suite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_CMakeSourceDirectory_SuiteExceptionPointingToBuildDirectory()
    {
        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(Path.Combine(Repository.FixturesDirectory, "c-ctest")));

        Assert.Contains("build directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_TextFile_SuiteException()
    {
        using var directory = new TempDirectory("discover-text");
        File.WriteAllText(directory.File("notes.txt"), "not a program\n");

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(directory.File("notes.txt")));

        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SuiteKind.Cargo)]
    [InlineData(SuiteKind.CMake)]
    [InlineData(SuiteKind.Binary)]
    public void Discover_ExplicitKindNotMatchingDirectory_SuiteException(SuiteKind kind)
    {
        using var directory = new TempDirectory("discover-kind");

        var error = Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(directory.Path, kind));

        Assert.Contains(kind.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_UnknownKind_SuiteException()
    {
        using var directory = new TempDirectory("discover-unknown-kind");

        Assert.Throws<SuiteException>(() => SuiteDiscovery.Discover(directory.Path, (SuiteKind)42));
    }
}
