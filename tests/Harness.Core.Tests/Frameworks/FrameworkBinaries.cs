using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Frameworks;

/// <summary>TestBinary records for the fixtures, built by hand as discovery would.</summary>
internal static class FrameworkBinaries
{
    public static TestBinary Of(string path, string suite, string binaryId, TestFramework framework, string? workingDirectory = null,
        IReadOnlyList<string>? arguments = null) =>
        new(path, suite, binaryId, framework, workingDirectory ?? Path.GetDirectoryName(path)!,
            new Dictionary<string, string>(), arguments ?? [], null, []);

    public static TestBinary CalcUnitTests()
    {
        var build = Fixtures.Rust(RustFlavour.Default);
        return Of(build.UnitTestBinary("calc"), "rust", "calc.lib", TestFramework.LibTest, Path.Combine(build.SourceDirectory, "calc"));
    }

    public static TestBinary CalcIntegrationTests()
    {
        var build = Fixtures.Rust(RustFlavour.Default);
        return Of(build.IntegrationTestBinary("integration"), "rust", "calc.test.integration", TestFramework.LibTest,
            Path.Combine(build.SourceDirectory, "calc"));
    }

    public static TestBinary GoogleTest(string name) =>
        Of(Fixtures.CMake("cpp-gtest", CFlavour.O0).Output(name), "cpp-gtest", name, TestFramework.GoogleTest);

    public static TestBinary Catch2Fixture() =>
        Of(Fixtures.CMake("catch2", CFlavour.O0).Output("catch2_fixture_tests"), "catch2", "catch2_fixture_tests", TestFramework.Catch2);

    public static TestBinary Catch2Names() => Of(TestDataProgram.Catch2Names(), "catch2", "names", TestFramework.Catch2);

    /// <summary>Output lines of a process, without the trailing empty one.</summary>
    public static string[] Lines(ProcessResult result) =>
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}
