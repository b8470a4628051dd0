using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Tests.Frameworks;

/// <summary>The Rust fixture's libtest binaries, checked against libtest's own <c>--list</c>.</summary>
public sealed class LibTestListerTests
{
    [Fact]
    public void List_CalcUnitTests_NamesEqualLibtestList()
    {
        var binary = FrameworkBinaries.CalcUnitTests();

        var tests = TestLister.List(binary);

        Assert.Equal(OracleNames(binary, "--list"), tests.Select(t => t.FrameworkName).Order(StringComparer.Ordinal));
        Assert.All(tests, t => Assert.Equal(t.FrameworkName, t.DisplayName));
        Assert.Contains(tests, t => t.FullyQualifiedName == "rust.calc.lib.tests.nested.deeper.primes_below_thirty");
    }

    [Fact]
    public void List_CalcUnitTests_OnlyIgnoredExpensiveIgnored()
    {
        var binary = FrameworkBinaries.CalcUnitTests();

        var tests = TestLister.List(binary);

        var ignored = tests.Where(t => t.IsIgnored).ToList();
        Assert.Equal(["tests::ignored_expensive"], ignored.Select(t => t.FrameworkName));
        Assert.Equal(OracleNames(binary, "--list", "--ignored"), ignored.Select(t => t.FrameworkName));
        Assert.Contains(new TestTrait("Ignored", "true"), ignored[0].Traits);
        Assert.All(tests.Where(t => !t.IsIgnored), t => Assert.DoesNotContain(t.Traits, trait => trait.Name == "Ignored"));
    }

    [Fact]
    public void List_CalcUnitTests_ModuleTraitIsPathBeforeLastSeparator()
    {
        var tests = TestLister.List(FrameworkBinaries.CalcUnitTests());

        var deep = tests.Single(t => t.FrameworkName == "tests::nested::deeper::primes_below_thirty");
        Assert.Equal([new TestTrait("Module", "tests::nested::deeper")], deep.Traits);
    }

    [Fact]
    public void List_CalcUnitTests_SourceLineIsTheFnLine()
    {
        var tests = TestLister.List(FrameworkBinaries.CalcUnitTests());

        AssertFnLines(tests);
    }

    [Fact]
    public void List_IntegrationTests_RootLevelTestsWithoutModuleAndWithSource()
    {
        var binary = FrameworkBinaries.CalcIntegrationTests();

        var tests = TestLister.List(binary);

        Assert.Equal(OracleNames(binary, "--list"), tests.Select(t => t.FrameworkName).Order(StringComparer.Ordinal));
        Assert.Contains(tests, t => t.FullyQualifiedName == "rust.calc.test.integration.cli_prints_result");
        Assert.All(tests, t => Assert.Empty(t.Traits));
        Assert.All(tests, t => Assert.EndsWith("tests/integration.rs", t.SourceFile));
        AssertFnLines(tests);
    }

    [Fact]
    public void List_TwiceOnOneBinary_SameUniqueNames()
    {
        var binary = FrameworkBinaries.CalcUnitTests();

        var first = TestLister.List(binary).Select(t => t.FullyQualifiedName).ToList();
        var second = TestLister.List(binary).Select(t => t.FullyQualifiedName).ToList();

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void List_BinTargetWithoutTests_Empty()
    {
        var build = Fixtures.Rust(RustFlavour.Default);
        var path = build.Artifacts.Single(a => a.IsTest && a.Kind == "bin" && a.Target == "calc-cli").Path;

        var tests = TestLister.List(FrameworkBinaries.Of(path, "rust", "calc.bin.calc-cli", TestFramework.LibTest));

        Assert.Empty(tests);
    }

    /// <summary>DWARF's decl_line of a <c>#[test] fn</c> is the line of <c>fn name(</c>, not of <c>#[test]</c>.</summary>
    private static void AssertFnLines(IReadOnlyList<TestCase> tests)
    {
        Assert.All(tests, t =>
        {
            Assert.NotNull(t.SourceFile);
            Assert.NotNull(t.SourceLine);
            var name = t.FrameworkName.Split("::")[^1];
            Assert.Contains($"fn {name}(", SourceFile.Read(t.SourceFile!)[t.SourceLine!.Value]);
        });
    }

    /// <summary>libtest's plain listing: <c>NAME: test</c> lines, then a summary.</summary>
    private static IEnumerable<string> OracleNames(TestBinary binary, params string[] arguments) =>
        FrameworkBinaries.Lines(ProcessRunner.Run(binary.Path, arguments, binary.WorkingDirectory).EnsureSuccess("libtest --list"))
            .Where(l => l.EndsWith(": test", StringComparison.Ordinal))
            .Select(l => l[..^": test".Length])
            .Order(StringComparer.Ordinal);
}
