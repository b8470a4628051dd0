using Harness.EndToEnd.Tests.Support;

namespace Harness.EndToEnd.Tests;

/// <summary>
/// Coverage denominators are honest: code that no process ran still counts (0 lines run, not absent), and code that
/// is not there is not counted (a function declared in a header and defined in one unit is one function).
/// </summary>
public sealed class CoverageDenominatorTests
{
    /// <summary>Measured before: a Rust <c>tests/*.rs</c> binary whose tests were all filtered out vanished from the report.</summary>
    [Fact]
    public void TestCoverage_BinaryWhoseTestsAreAllFilteredOut_ItsLinesCountAsNotRun()
    {
        using var directory = new TempDirectory("test-unrun-binary");
        var rust = Fixtures.Rust(RustFlavour.Default).SourceDirectory;

        var result = Harness("test", rust, "--coverage", "--no-history", "--filter", "rust.calc.lib.tests.gcd_of_pairs", "--out", directory.Path);

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        var lcov = LcovFile.Read(Path.Combine(directory.Path, "lcov.info"));
        var integration = Assert.Single(lcov, r => r.Path == Path.Combine(rust, "calc", "tests", "integration.rs"));
        Assert.True(integration.Lines.Count >= 5, $"only {integration.Lines.Count} lines of integration.rs");
        Assert.All(integration.Lines.Values, hits => Assert.Equal(0, hits));
        Assert.Contains(lcov, r => r.Path == Path.Combine(rust, "calc-ffi", "src", "lib.rs") && r.Lines.Count > 0 && r.LinesHit == 0);
        var lib = Assert.Single(lcov, r => r.Path == Path.Combine(rust, "calc", "src", "lib.rs"));
        Assert.True(lib.LinesHit > 0, "the test that ran covered nothing");
    }

    /// <summary>
    /// gcc describes the in-class constructor once more in every unit that calls it (a code-less stand-in for the
    /// complete-object constructor): measured before, that became a second <c>Shape::Shape</c>, in the header, never entered.
    /// </summary>
    [Fact]
    public void Cover_ConstructorDeclaredInHeaderCalledFromAnotherUnit_OneFunctionEntered()
    {
        using var directory = new TempDirectory("cover-ctor");
        File.WriteAllText(directory.File("shape.h"), """
            #pragma once
            class Shape {
            public:
                explicit Shape(int sides);
                int sides() const;
                static int count();
            private:
                int sides_;
            };
            int never_called(int x);
            """);
        File.WriteAllText(directory.File("shape.cpp"), """
            #include "shape.h"
            static int made = 0;
            Shape::Shape(int sides) : sides_(sides) { ++made; }
            int Shape::sides() const { return sides_; }
            int Shape::count() { return made; }
            int never_called(int x) { return x - 1; }
            """);
        File.WriteAllText(directory.File("main.cpp"), """
            #include "shape.h"
            int main() {
                Shape s(3);
                return s.sides() + Shape::count() == 4 ? 0 : 1;
            }
            """);
        var program = directory.File("prog");
        ProcessRunner.Run("g++", ["-g", "-O0", directory.File("main.cpp"), directory.File("shape.cpp"), "-o", program]).EnsureSuccess("g++");

        var run = HarnessCover.Run(directory.File("out"), [], program);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lcov = LcovFile.Read(run.LcovPath);
        var constructors = lcov.SelectMany(r => r.Functions.Where(f => f.Key == "Shape::Shape").Select(f => (File: Path.GetFileName(r.Path), f.Value.Hits))).ToList();
        Assert.Equal([("shape.cpp", 1L)], constructors);
        var functions = Assert.Single(lcov, r => r.Path == directory.File("shape.cpp")).Functions;
        Assert.Equal(0, functions["never_called"].Hits);
        Assert.DoesNotContain(lcov, r => r.Path == directory.File("shape.h") && r.Functions.Count > 0);
    }

    private static ProcessResult Harness(params string[] arguments) =>
        ProcessRunner.Run("dotnet", [HarnessCover.AssemblyPath, .. arguments], timeout: TimeSpan.FromMinutes(3));
}
