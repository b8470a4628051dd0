using Harness.Testing;
using Harness.Tracing.Tests.Support;

namespace Harness.Tracing.Tests;

/// <summary>
/// The passing-only GoogleTest binary of fixtures/cpp-gtest under the tracer: its tests call into
/// libshapes.so, a DT_NEEDED library loaded at a random base, whose lines must be covered as the two tests
/// exercise them (circle and triangle areas) and nothing else.
/// </summary>
public sealed class GtestTests
{
    [Fact]
    public void Run_GtestPassingTests_SharedLibraryLinesCoveredAsExercised()
    {
        var binary = Fixtures.CMake("cpp-gtest", CFlavour.O0).Output("gtest_passing_tests");
        var native = NativeRun.Start(binary, []);

        var run = TracedRun.Start(binary, []);

        Assert.Equal(0, native.ExitCode);
        Assert.Equal(native.ExitCode, run.Result.ShellStatus);
        Assert.Contains("[  PASSED  ] 2 tests.", run.Output, StringComparison.Ordinal);
        var source = SourceFile.Read(Path.Combine(Repository.FixturesDirectory, "cpp-gtest", "src", "shapes.cpp"));
        var file = run.File("shapes.cpp");
        Assert.Equal("libshapes.so", file.Module);

        CoverageAssert.Covered(file, source, source.LineOf("if (size < 0)"));
        CoverageAssert.Covered(file, source, source.LineOf("switch (kind)"));
        CoverageAssert.Covered(file, source, source.StatementLine("return kPi * size * size;"));
        CoverageAssert.Covered(file, source, source.LineOf("return std::sqrt(3.0)"));
        CoverageAssert.NotCovered(file, source, source.StatementLine("return size * size;"));
        // The first "return -1.0;" is the negative-size branch; no test passes a negative size.
        CoverageAssert.NotCovered(file, source, source.LinesContaining("return -1.0;")[0]);
        Assert.Equal(1, CoverageAssert.Function(file, "area").Hits);
        foreach (var unused in new[] { "classify_triangle", "lattice_points", "unused_shape_helper" })
        {
            var range = source.CFunction(unused);
            var lines = file.Lines.Where(l => range.Contains(l.Line)).ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.False(l.IsCovered, $"shapes.cpp:{l.Line} in {unused} is covered"));
            Assert.Equal(0, CoverageAssert.Function(file, unused).Hits);
        }
    }
}
