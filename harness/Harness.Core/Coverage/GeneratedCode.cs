using Harness.Symbols;

namespace Harness.Core.Coverage;

/// <summary>
/// Code the compiler wrote, not the user, that DWARF files under the user's sources: libtest's generated
/// <c>crate::main</c> of every Rust test binary sits at line 1 of the crate root (<c>lib.rs:1</c>, often a doc
/// comment) and runs in every test, so without this it is a "covered line" that no one wrote.
/// </summary>
internal static class GeneratedCode
{
    /// <summary>
    /// The address ranges of generated functions: a function named <c>X::main</c> (a crate root's <c>main</c>)
    /// declared at line 1 whose every line row is line 1 at column 0. A user's own <c>fn main</c> at line 1 still has
    /// rows on its body's lines and columns, so it stays.
    /// </summary>
    public static List<AddressRange> Ranges(SourceMap map)
    {
        var ranges = new List<AddressRange>();
        foreach (var function in map.Functions)
        {
            if (function.DeclLine != 1 || !function.HasCode || !IsCrateMain(function.Name))
            {
                continue;
            }
            var onlyLineOne = true;
            foreach (var row in map.Rows)
            {
                if (!row.IsEndSequence && row.Line != 0 && function.Ranges.Any(r => r.Contains(row.Address)) && (row.Line != 1 || row.Column != 0))
                {
                    onlyLineOne = false;
                    break;
                }
            }
            if (onlyLineOne)
            {
                ranges.AddRange(function.Ranges);
            }
        }
        return ranges;
    }

    private static bool IsCrateMain(string name)
    {
        var separator = name.IndexOf("::", StringComparison.Ordinal);
        return separator > 0 && name[(separator + 2)..] == "main";
    }
}
