using Harness.Symbols.Tests.Support;
using Harness.Testing;

namespace Harness.Symbols.Tests;

/// <summary>
/// Functions from DWARF (<c>harness functions</c> and <see cref="SourceMap.Functions"/>) against the symbol
/// table (nm) for addresses and sizes, and against the fixture sources for names and declaration lines.
/// </summary>
public sealed class FunctionTests(BinaryFacts facts) : IClassFixture<BinaryFacts>
{
    public static TheoryData<string> SymbolTableBinaries =>
        [FixtureBinaries.CO0, FixtureBinaries.ShapesO0, FixtureBinaries.GtestO0, FixtureBinaries.Catch2O0, FixtureBinaries.RustUnit];

    public static TheoryData<string> AllBinaries => LineTableOracleTests.AllBinaries;

    public static TheoryData<CFlavour> CFlavours => [CFlavour.O0, CFlavour.O2, CFlavour.Dwarf4, CFlavour.Zlib];

    public static TheoryData<string> RustUnitBinaries => [FixtureBinaries.RustUnit, FixtureBinaries.RustUnitDwarf5];

    /// <summary>
    /// Every sized code symbol that binutils attributes to a fixture source file has a DWARF range with the same
    /// start and end, and, where the demangled name is comparable, the same qualified name.
    /// </summary>
    [Theory]
    [MemberData(nameof(SymbolTableBinaries))]
    public void Functions_SymbolsOfFixtureSources_SameLowHighAndName(string id)
    {
        var binary = facts.Path(id);
        var sources = FixtureBinaries.SourceDirectory(id) + "/";
        // Thunks (this-adjusting entry points of virtual destructors) are code gcc does not describe in DWARF.
        var symbols = Nm.CodeSymbols(binary)
            .Where(s => s.Size > 0 && s.File is not null && s.File.StartsWith(sources, StringComparison.Ordinal) && !s.Name.Contains("thunk to ", StringComparison.Ordinal))
            .ToList();
        var ours = facts.CliFunctions(id).ToLookup(f => f.Low);

        Assert.True(symbols.Count >= 4, $"only {symbols.Count} fixture symbols in {binary}: the oracle found too little to compare");
        var problems = new List<string>();
        var namesCompared = 0;
        foreach (var symbol in symbols)
        {
            var atLow = ours[symbol.Address].ToList();
            if (!atLow.Any(f => f.High == symbol.Address + symbol.Size))
            {
                problems.Add($"{symbol.Name} [0x{symbol.Address:x}, 0x{symbol.Address + symbol.Size:x}): ours at that address [{string.Join("; ", atLow)}]");
                continue;
            }
            // Rust closures ({{closure}} vs {closure#0}) and trait impls (<T as Trait>::f vs {impl#3}::f) are spelled differently by design.
            if (symbol.Name.Contains('{', StringComparison.Ordinal) || symbol.Name.Contains(" as ", StringComparison.Ordinal))
            {
                continue;
            }
            namesCompared++;
            var expected = Nm.WithoutSignature(symbol.Name);
            if (!atLow.Any(f => f.Name == expected))
            {
                problems.Add($"0x{symbol.Address:x}: nm says '{expected}' ({symbol.Name}), ours [{string.Join("; ", atLow.Select(f => f.Name))}]");
            }
        }
        Assert.True(namesCompared > 0, "no names compared");
        Assert.True(problems.Count == 0, $"{problems.Count} of {symbols.Count} symbols disagree, first:\n  {string.Join("\n  ", problems.Take(15))}");
    }

    [Theory]
    [MemberData(nameof(AllBinaries))]
    public void Functions_Output_SortedNonEmptyRangesInsideCode(string id)
    {
        var rows = facts.CliFunctions(id);
        var code = facts.CodeRanges(id);

        Assert.NotEmpty(rows);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Assert.True(row.Low < row.High, $"empty or inverted range: {row}");
            Assert.True(code.Any(c => row.Low >= c.Start && row.High <= c.End), $"range outside every executable section: {row}");
            Assert.True(i == 0 || rows[i - 1].Low <= row.Low, $"not sorted by low address at {row}");
            Assert.True(row.DeclFile == "??" || Path.IsPathRooted(row.DeclFile), $"declaration file neither absolute nor ??: {row}");
            Assert.False(string.IsNullOrWhiteSpace(row.Name), $"function without a name: {row}");
        }
    }

    /// <summary>Each function defined in mathlib.c has code and is declared at the line of its definition.</summary>
    [Theory]
    [MemberData(nameof(CFlavours))]
    public void Functions_CFunctionsOfMathlib_DeclaredAtDefinitionLine(CFlavour flavour)
    {
        var build = Fixtures.CMake("c-ctest", flavour);
        var source = Path.Combine(build.SourceDirectory, "src", "mathlib.c");
        var definitions = SourceText.Find(source, @"^[a-z].*\b(ml_\w+)\(.*\{\s*$");
        var map = SourceMap.Load(build.Output("test_pass"));

        Assert.True(definitions.Count >= 6, $"expected the ml_ functions in {source}, found {definitions.Count}");
        foreach (var (name, line) in definitions)
        {
            var function = Assert.Single(map.Functions, f => f.Name == name && f.HasCode);
            Assert.Equal(source, map.Files[function.DeclFile]);
            Assert.Equal(line, function.DeclLine);
        }
    }

    /// <summary>ml_never_called is never executed but is compiled: at -O0 it has code where the symbol table says.</summary>
    [Fact]
    public void Functions_NeverCalledCFunctionAtO0_HasCodeAtItsSymbol()
    {
        var binary = facts.Path(FixtureBinaries.CO0);
        var symbol = Assert.Single(Nm.CodeSymbols(binary), s => s.Name == "ml_never_called");
        var map = facts.Map(FixtureBinaries.CO0);

        var function = Assert.Single(map.Functions, f => f.Name == "ml_never_called");
        Assert.True(function.HasCode);
        Assert.Equal(new AddressRange(symbol.Address, symbol.Address + symbol.Size), Assert.Single(function.Ranges));
        Assert.Same(function, map.FunctionAt(symbol.Address + symbol.Size / 2));
    }

    /// <summary>Functions of shapes.cpp carry their namespace: <c>shapes::area</c>, declared at the definition's line.</summary>
    [Fact]
    public void Functions_CppNamespaceFunctions_QualifiedAndDeclaredAtDefinitionLine()
    {
        var build = Fixtures.CMake("cpp-gtest", CFlavour.O0);
        var source = Path.Combine(build.SourceDirectory, "src", "shapes.cpp");
        Assert.Single(SourceText.Find(source, @"^(namespace shapes) \{"));
        var definitions = SourceText.Find(source, @"^[a-z][\w:<>]*\s+(\w+)\(.*\)\s*\{\s*$");
        var map = facts.Map(FixtureBinaries.ShapesO0);

        Assert.True(definitions.Count >= 4, $"expected the shapes functions in {source}, found {definitions.Count}");
        foreach (var (name, line) in definitions)
        {
            var function = Assert.Single(map.Functions, f => f.Name == $"shapes::{name}");
            Assert.True(function.HasCode, $"shapes::{name} has no code at -O0");
            Assert.Equal(source, map.Files[function.DeclFile]);
            Assert.Equal(line, function.DeclLine);
            Assert.StartsWith($"_ZN6shapes{name.Length}{name}", function.LinkageName);
        }
    }

    /// <summary>A C++ class method (the gtest fixture's SetUp) is named Class::method and declared where written.</summary>
    [Fact]
    public void Functions_CppClassMethod_QualifiedByClass()
    {
        var build = Fixtures.CMake("cpp-gtest", CFlavour.O0);
        var source = Path.Combine(build.SourceDirectory, "tests", "fixture_tests.cpp");
        var (_, line) = Assert.Single(SourceText.Find(source, @"void (SetUp)\(\) override"));
        var classLine = Assert.Single(SourceText.Find(source, @"^class (LatticeFixture)\b"));
        var map = facts.Map(FixtureBinaries.GtestO0);

        var setUp = Assert.Single(map.Functions, f => f.Name == $"{classLine.Name}::SetUp");
        Assert.True(setUp.HasCode);
        Assert.Equal(source, map.Files[setUp.DeclFile]);
        Assert.Equal(line, setUp.DeclLine);
    }

    /// <summary>Rust test functions in nested modules are named <c>calc::tests::nested::deeper::case</c>.</summary>
    [Theory]
    [MemberData(nameof(RustUnitBinaries))]
    public void Functions_RustNestedTestModules_QualifiedByModulePath(string id)
    {
        var build = Fixtures.Rust(id.Contains("Dwarf5", StringComparison.Ordinal) ? RustFlavour.Dwarf5 : RustFlavour.Default);
        var source = Path.Combine(build.SourceDirectory, "calc", "src", "lib.rs");
        var nested = SourceText.RustFunctions(source).Where(f => f.Path.StartsWith("tests::nested::", StringComparison.Ordinal)).ToList();
        var map = facts.Map(id);

        Assert.Contains(nested, f => f.Path.StartsWith("tests::nested::deeper::", StringComparison.Ordinal));
        foreach (var (path, line) in nested)
        {
            var function = Assert.Single(map.Functions, f => f.Name == $"calc::{path}");
            Assert.True(function.HasCode, $"calc::{path} has no code");
            Assert.Equal(source, map.Files[function.DeclFile]);
            Assert.Equal(line, function.DeclLine);
        }
    }
}
