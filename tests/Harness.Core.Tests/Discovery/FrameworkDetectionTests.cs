using System.Text;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Tests.Discovery;

public sealed class FrameworkDetectionTests
{
    [Theory]
    [InlineData("cpp-gtest", "gtest_fixture_tests", TestFramework.GoogleTest)]
    [InlineData("cpp-gtest", "gtest_passing_tests", TestFramework.GoogleTest)]
    [InlineData("catch2", "catch2_fixture_tests", TestFramework.Catch2)]
    [InlineData("c-ctest", "test_pass", TestFramework.Plain)]
    [InlineData("c-ctest", "test_fail", TestFramework.Plain)]
    [InlineData("c-ctest", "test_timeout", TestFramework.Plain)]
    public void Detect_CMakeFixtureBinary_ItsFramework(string fixture, string executable, TestFramework expected)
    {
        var path = Fixtures.CMake(fixture, CFlavour.O0).Output(executable);

        Assert.Equal(expected, FrameworkDetection.Detect(path));
    }

    [Fact]
    public void Detect_RustTestBinaries_LibTestAndProgramsPlain()
    {
        var rust = Fixtures.Rust(RustFlavour.Default);

        Assert.Equal(TestFramework.LibTest, FrameworkDetection.Detect(rust.UnitTestBinary("calc")));
        Assert.Equal(TestFramework.LibTest, FrameworkDetection.Detect(rust.UnitTestBinary("calc-ffi")));
        Assert.Equal(TestFramework.LibTest, FrameworkDetection.Detect(rust.IntegrationTestBinary("integration")));
        Assert.Equal(TestFramework.Plain, FrameworkDetection.Detect(rust.Binary("calc-cli")));
    }

    [Fact]
    public void Detect_StrippedBinaries_StillTheirFramework()
    {
        using var directory = new TempDirectory("detect-stripped");
        var cases = new (string Source, TestFramework Expected)[]
        {
            (Fixtures.CMake("cpp-gtest", CFlavour.O0).Output("gtest_fixture_tests"), TestFramework.GoogleTest),
            (Fixtures.CMake("catch2", CFlavour.O0).Output("catch2_fixture_tests"), TestFramework.Catch2),
            (Fixtures.Rust(RustFlavour.Default).UnitTestBinary("calc"), TestFramework.LibTest),
        };
        foreach (var (source, expected) in cases)
        {
            var stripped = directory.File(Path.GetFileName(source));
            ProcessRunner.Run("strip", ["-o", stripped, source]).EnsureSuccess($"strip {source}");

            Assert.Equal(expected, FrameworkDetection.Detect(stripped));
        }
    }

    [Fact]
    public void Detect_PlainProgramPrintingFrameworkFlags_Plain()
    {
        using var directory = new TempDirectory("detect-usage");
        File.WriteAllText(directory.File("usage.c"), """
            #include <stdio.h>
            int main(void) {
                puts("usage: usage [--list-tests] [--test-threads N] [--gtest_list_tests] [--help]");
                puts("Catch the error early; testing is fun");
                return 0;
            }
            """);
        var program = directory.File("usage");
        ProcessRunner.Run("gcc", ["-g", "-O0", "-o", program, directory.File("usage.c")]).EnsureSuccess("gcc usage.c");

        Assert.Equal(TestFramework.Plain, FrameworkDetection.Detect(program));
        Assert.Equal(TestFramework.Plain, SuiteDiscovery.Discover(program).Single().Framework);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(20)]
    public void Detect_MarkerSplitAcrossReadChunks_StillFound(int bytesBeforeBoundary)
    {
        // The scanner reads 1 MiB at a time: the marker straddles the first boundary.
        var image = new byte[3 << 20];
        var marker = Encoding.ASCII.GetBytes("_ZN7testing8internal");
        marker.CopyTo(image, (1 << 20) - bytesBeforeBoundary);

        Assert.Equal(TestFramework.GoogleTest, FrameworkDetection.Detect(new MemoryStream(image)));
    }

    [Fact]
    public void Detect_MissingFile_Plain()
    {
        Assert.Equal(TestFramework.Plain, FrameworkDetection.Detect(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}")));
    }
}
