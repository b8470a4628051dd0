using Harness.Core.Model;
using Harness.Symbols;
using SourceLocation = Harness.Core.Model.SourceLocation;

namespace Harness.Core.Frameworks.LibTest;

/// <summary>
/// Where Rust tests are written, from the binary's DWARF: the subprogram of a <c>#[test] fn</c> is named
/// <c>&lt;crate&gt;::&lt;test path&gt;</c> and its DW_AT_decl_line is the line of the <c>fn</c> keyword (not the
/// <c>#[test]</c> attribute above it). The crate name is not known here, so a test path matches any function
/// whose name ends with <c>::</c> + path; among several the shortest name wins (the crate root's, not a
/// deeper module's with the same tail). A raw identifier (<c>fn r#type</c>, listed by libtest as <c>r#type</c>) is
/// named without its <c>r#</c> in DWARF (<c>crate::type</c>). A test a macro wrote (<c>macro_rules!</c> with
/// <c>fn $name</c>) gets the macro body's <c>fn</c> line, where DWARF declares it, not the macro call's line.
/// </summary>
internal static class RustTestLocations
{
    public static IReadOnlyDictionary<string, SourceLocation> Find(string binaryPath, IReadOnlyCollection<string> testNames)
    {
        var found = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        if (testNames.Count == 0)
        {
            return found;
        }
        SourceMap map;
        try
        {
            // Skipping std's and registry crates' units keeps this to the workspace's code: fast, and tests live there.
            map = SourceMap.Load(binaryPath, file => !file.StartsWith("/rustc/", StringComparison.Ordinal)
                && !file.Contains("/.cargo/registry/", StringComparison.Ordinal));
        }
        catch (SymbolReadException)
        {
            // A stripped or release binary: the tests are still listable, just without locations.
            return found;
        }

        // DWARF's name of each test path → the test as libtest lists it.
        var wanted = testNames.Distinct(StringComparer.Ordinal).ToDictionary(DwarfPath, test => test, StringComparer.Ordinal);
        var best = new Dictionary<string, Function>(StringComparer.Ordinal);
        foreach (var function in map.Functions)
        {
            if (function.DeclFile < 0 || function.DeclFile >= map.Files.Count || function.DeclLine <= 0
                || map.Files[function.DeclFile].StartsWith("/rustc/", StringComparison.Ordinal))
            {
                continue;
            }
            var name = function.Name;
            for (var separator = name.IndexOf("::", StringComparison.Ordinal); separator >= 0; separator = name.IndexOf("::", separator + 2, StringComparison.Ordinal))
            {
                var suffix = name[(separator + 2)..];
                if (wanted.TryGetValue(suffix, out var test) && (!best.TryGetValue(test, out var current) || IsPreferred(function, current)))
                {
                    best[test] = function;
                }
            }
        }
        foreach (var (test, function) in best)
        {
            found[test] = new SourceLocation(map.Files[function.DeclFile], function.DeclLine);
        }
        return found;
    }

    private static string DwarfPath(string testName) =>
        string.Join("::", testName.Split("::").Select(part => part.StartsWith("r#", StringComparison.Ordinal) ? part[2..] : part));

    private static bool IsPreferred(Function candidate, Function current) =>
        candidate.Name.Length != current.Name.Length
            ? candidate.Name.Length < current.Name.Length
            : string.CompareOrdinal(candidate.Name, current.Name) < 0;
}
