using Harness.Core.Coverage;
using Harness.Core.Tests.Frameworks;
using Harness.Symbols;

namespace Harness.Core.Tests.Coverage;

/// <summary>libtest's generated <c>main</c> (at <c>lib.rs:1</c>) is no user code: never a line, never a function.</summary>
public sealed class GeneratedCodeTests
{
    [Fact]
    public void Report_RustUnitTestBinary_LibtestMainIsNoLineAndNoFunction()
    {
        var binary = FrameworkBinaries.CalcUnitTests().Path;
        var lib = Path.Combine(Repository.FixturesDirectory, "rust", "calc", "src", "lib.rs");
        var map = SourceMap.Load(binary);
        // The precondition that makes this test able to fail: the binary does have the generated main at lib.rs:1.
        Assert.Contains(map.Functions, f => f.Name == "calc::main" && f.DeclLine == 1 && f.HasCode && map.Files[f.DeclFile] == lib);

        var planner = new CoveragePlanner(new SourceSelection());
        planner.Preload(binary);
        var report = planner.Report(new Dictionary<string, bool[]>(StringComparer.Ordinal));

        var file = Assert.Single(report.Files, f => f.Path == lib);
        Assert.DoesNotContain(file.Lines, l => l.Line == 1);
        Assert.DoesNotContain(file.Functions, f => f.Name == "calc::main");
        Assert.Contains(file.Functions, f => f.Name.StartsWith("calc::", StringComparison.Ordinal));
    }
}
