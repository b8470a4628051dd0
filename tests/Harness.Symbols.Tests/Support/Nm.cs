using System.Globalization;
using Harness.Testing;

namespace Harness.Symbols.Tests.Support;

/// <summary>A defined code symbol with a size, its demangled name, and the source file binutils attributes it to.</summary>
internal sealed record NmSymbol(ulong Address, ulong Size, char Type, string Name, string? File);

/// <summary>GNU nm as the oracle for function addresses and sizes (the symbol table, not DWARF).</summary>
internal static class Nm
{
    /// <summary><c>nm --defined-only -S -l -C</c>: text symbols (t, T, W) with a size.</summary>
    public static IReadOnlyList<NmSymbol> CodeSymbols(string binary)
    {
        var result = ProcessRunner.Run("nm", ["--defined-only", "-S", "-l", "-C", binary]).EnsureSuccess($"nm {binary}");
        var symbols = new List<NmSymbol>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            var head = tab < 0 ? line : line[..tab];
            var parts = head.Split(' ', 4);
            if (parts.Length < 4 || parts[2].Length != 1 || parts[2][0] is not ('t' or 'T' or 'W'))
            {
                continue;
            }
            string? file = null;
            if (tab >= 0)
            {
                var location = line[(tab + 1)..];
                var colon = location.LastIndexOf(':');
                file = colon > 0 ? location[..colon] : location;
            }
            symbols.Add(new NmSymbol(
                ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                ulong.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                parts[2][0],
                parts[3],
                file));
        }
        return symbols;
    }

    /// <summary>
    /// The demangled name as DWARF spells the function: without the parameter list, cv-qualifiers and ABI tags
    /// (<c>shapes::classify_triangle[abi:cxx11](double, double, double)</c> is <c>shapes::classify_triangle</c>).
    /// </summary>
    public static string WithoutSignature(string demangled)
    {
        var name = demangled.Replace("[abi:cxx11]", "", StringComparison.Ordinal);
        foreach (var qualifier in new[] { " const", " volatile", " &&", " &" })
        {
            if (name.EndsWith(qualifier, StringComparison.Ordinal))
            {
                name = name[..^qualifier.Length];
            }
        }
        if (!name.EndsWith(')'))
        {
            return name;
        }
        var depth = 0;
        for (var i = name.Length - 1; i >= 0; i--)
        {
            depth += name[i] switch { ')' => 1, '(' => -1, _ => 0 };
            if (depth == 0)
            {
                return name[..i];
            }
        }
        return name;
    }
}
