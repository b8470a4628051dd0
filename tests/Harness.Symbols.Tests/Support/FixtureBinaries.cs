using Harness.Testing;

namespace Harness.Symbols.Tests.Support;

/// <summary>
/// Fixture binaries named by short ids, so that theories list readable cases and a case builds only the
/// fixture it needs (builds are cached by <see cref="Fixtures"/>). Ids: <c>FIXTURE/FLAVOUR/FILE</c> for
/// CMake fixtures, <c>rust/FLAVOUR/unit:PACKAGE</c> and <c>rust/FLAVOUR/cdylib:TARGET</c> for Rust.
/// </summary>
internal static class FixtureBinaries
{
    public const string CO0 = "c-ctest/O0/test_pass";
    public const string CO2 = "c-ctest/O2/test_pass";
    public const string CDwarf4 = "c-ctest/Dwarf4/test_pass";
    public const string CZlib = "c-ctest/Zlib/test_pass";
    public const string ShapesO0 = "cpp-gtest/O0/libshapes.so";
    public const string ShapesO2 = "cpp-gtest/O2/libshapes.so";
    public const string ShapesDwarf4 = "cpp-gtest/Dwarf4/libshapes.so";
    public const string ShapesZlib = "cpp-gtest/Zlib/libshapes.so";
    public const string GtestO0 = "cpp-gtest/O0/gtest_fixture_tests";
    public const string Catch2O0 = "catch2/O0/catch2_fixture_tests";
    public const string RustUnit = "rust/Default/unit:calc";
    public const string RustUnitDwarf5 = "rust/Dwarf5/unit:calc";
    public const string RustCdylib = "rust/Default/cdylib:calc_ffi";

    public static string Path(string id)
    {
        var parts = id.Split('/');
        if (parts.Length != 3)
        {
            throw new ArgumentException($"bad fixture binary id {id}", nameof(id));
        }
        if (parts[0] == "rust")
        {
            var build = Fixtures.Rust(Enum.Parse<RustFlavour>(parts[1]));
            var (kind, name) = (parts[2].Split(':')[0], parts[2].Split(':')[1]);
            return kind switch
            {
                "unit" => build.UnitTestBinary(name),
                // Cargo also builds a libtest executable from a cdylib target; the oracle cases mean the .so.
                "cdylib" => build.SharedLibrary(name) is var so && so.EndsWith(".so", StringComparison.Ordinal)
                    ? so
                    : throw new InvalidOperationException($"{id} resolved to {build.SharedLibrary(name)}, not a shared object"),
                _ => throw new ArgumentException($"bad Rust artifact kind in {id}", nameof(id)),
            };
        }
        return Fixtures.CMake(parts[0], Enum.Parse<CFlavour>(parts[1])).Output(parts[2]);
    }

    /// <summary>The fixture source directory of an id, for "is this file one of ours" checks.</summary>
    public static string SourceDirectory(string id) => System.IO.Path.Combine(Repository.FixturesDirectory, id.Split('/')[0]);
}
