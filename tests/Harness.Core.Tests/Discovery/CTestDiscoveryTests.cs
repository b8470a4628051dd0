using System.Text.Json;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Discovery;

public sealed class CTestDiscoveryTests
{
    [Theory]
    [InlineData("c-ctest")]
    [InlineData("cpp-gtest")]
    [InlineData("catch2")]
    public void Discover_CMakeBuild_OneBinaryPerCTestTestInCTestOrder(string fixture)
    {
        var build = Fixtures.CMake(fixture, CFlavour.O0);

        var binaries = SuiteDiscovery.Discover(build.BuildDirectory);

        Assert.Equal(CTestNames(build.BuildDirectory), binaries.Select(b => b.BinaryId));
    }

    [Fact]
    public void Discover_CCtestBuild_CarriesCommandAndProperties()
    {
        var build = Fixtures.CMake("c-ctest", CFlavour.O0);

        var binaries = SuiteDiscovery.Discover(build.BuildDirectory, SuiteKind.CMake).ToDictionary(b => b.BinaryId);

        var pass = binaries["c_pass"];
        Assert.Equal(build.Output("test_pass"), pass.Path);
        Assert.Equal(["input.txt"], pass.Arguments);
        Assert.Equal(Path.Combine(build.SourceDirectory, "data"), pass.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["MATHLIB_MODE"] = "strict", ["MATHLIB_SCALE"] = "3" }, pass.Environment);
        Assert.Equal(["c", "fast"], pass.Labels);
        Assert.Null(pass.Timeout);

        var fail = binaries["c_fail"];
        Assert.Equal(build.BuildDirectory, fail.WorkingDirectory);
        Assert.Empty(fail.Environment);
        Assert.Empty(fail.Arguments);
        Assert.Equal(["c", "fails-on-purpose"], fail.Labels);

        var timeout = binaries["c_timeout"];
        Assert.Equal(TimeSpan.FromSeconds(2), timeout.Timeout);
        Assert.Equal(["10"], timeout.Arguments);
        Assert.Equal(["c", "slow"], timeout.Labels);

        Assert.All(binaries.Values, b =>
        {
            Assert.Equal("harness_c_ctest", b.Suite);
            Assert.Equal(TestFramework.Plain, b.Framework);
        });
    }

    [Fact]
    public void Discover_CCtestPassWithDiscoveredSetup_ExitsZero()
    {
        // The oracle for WORKING_DIRECTORY and ENVIRONMENT: test_pass fails without either.
        var pass = SuiteDiscovery.Discover(Fixtures.CMake("c-ctest", CFlavour.O0).BuildDirectory).Single(b => b.BinaryId == "c_pass");

        var result = ProcessRunner.Run(
            pass.Path, pass.Arguments, pass.WorkingDirectory,
            pass.Environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value), TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    [Fact]
    public void List_CCtestBuild_PlainTestsAtTheirAddTestLineWithLabelTraits()
    {
        var binaries = SuiteDiscovery.Discover(Fixtures.CMake("c-ctest", CFlavour.O0).BuildDirectory, SuiteKind.CMake);
        var cmakeLists = Path.Combine(Repository.Root, "fixtures", "c-ctest", "CMakeLists.txt");
        var lines = File.ReadAllLines(cmakeLists);

        var tests = binaries.SelectMany(Harness.Core.Frameworks.TestLister.List).ToList();

        Assert.Equal(3, tests.Count);
        Assert.All(tests, test =>
        {
            Assert.Equal(cmakeLists, test.SourceFile);
            var declaration = Array.FindIndex(lines, l => l.StartsWith($"add_test(NAME {test.DisplayName} ", StringComparison.Ordinal)) + 1;
            Assert.Equal(declaration, test.SourceLine);
            Assert.Equal(test.Binary.Labels, test.Traits.Where(t => t.Name == "label").Select(t => t.Value));
            Assert.Contains(new TestTrait("label", "c"), test.Traits);
        });
    }

    [Theory]
    [InlineData("cpp-gtest", "harness_cpp_gtest", TestFramework.GoogleTest, "gtest")]
    [InlineData("catch2", "harness_catch2", TestFramework.Catch2, "catch2")]
    public void Discover_FrameworkBuild_DetectsFrameworkOfEachExecutable(string fixture, string suite, TestFramework framework, string label)
    {
        var binaries = SuiteDiscovery.Discover(Fixtures.CMake(fixture, CFlavour.O0).BuildDirectory);

        Assert.NotEmpty(binaries);
        Assert.All(binaries, b =>
        {
            Assert.Equal(suite, b.Suite);
            Assert.Equal(framework, b.Framework);
            Assert.Equal([label], b.Labels);
        });
    }

    [Fact]
    public void Discover_Twice_SameBinaries()
    {
        var directory = Fixtures.CMake("c-ctest", CFlavour.O0).BuildDirectory;

        var first = SuiteDiscovery.Discover(directory);
        var second = SuiteDiscovery.Discover(directory, SuiteKind.CMake);

        Assert.Equal(first.Select(Key), second.Select(Key));

        static string Key(TestBinary b) =>
            $"{b.Suite}.{b.BinaryId} {b.Path} {string.Join(' ', b.Arguments)} {b.WorkingDirectory} {b.Timeout} {string.Join(';', b.Labels)} {string.Join(';', b.Environment)}";
    }

    private static List<string> CTestNames(string buildDirectory)
    {
        var result = ProcessRunner.Run("ctest", ["--show-only=json-v1"], buildDirectory).EnsureSuccess("ctest --show-only");
        using var document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToList();
    }
}
