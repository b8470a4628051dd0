using System.Text.RegularExpressions;

namespace Harness.Symbols.Tests.Support;

/// <summary>Reads facts out of fixture sources, so expected lines follow the source instead of being hard-coded.</summary>
internal static class SourceText
{
    /// <summary>1-based numbers of the lines matching <paramref name="pattern"/>, with the pattern's first group.</summary>
    public static List<(string Name, int Line)> Find(string file, string pattern)
    {
        var regex = new Regex(pattern);
        var found = new List<(string, int)>();
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = regex.Match(lines[i]);
            if (match.Success)
            {
                found.Add((match.Groups[1].Value, i + 1));
            }
        }
        return found;
    }

    /// <summary>
    /// Rust functions with their module path, from rustfmt-style indentation (<c>mod x {</c> opens a module whose
    /// items are indented deeper): <c>tests::nested::deeper::primes_below_thirty</c> and its line.
    /// </summary>
    public static List<(string Path, int Line)> RustFunctions(string file)
    {
        var modules = new List<(int Indent, string Name)>();
        var functions = new List<(string, int)>();
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Regex.Match(lines[i], @"^(\s*)(?:pub(?:\([a-z]+\))?\s+)?(mod|fn)\s+(\w+)");
            if (!match.Success)
            {
                continue;
            }
            var indent = match.Groups[1].Length;
            modules.RemoveAll(m => m.Indent >= indent);
            var name = match.Groups[3].Value;
            if (match.Groups[2].Value == "mod")
            {
                if (lines[i].TrimEnd().EndsWith('{'))
                {
                    modules.Add((indent, name));
                }
                continue;
            }
            functions.Add((string.Join("::", modules.Select(m => m.Name).Append(name)), i + 1));
        }
        return functions;
    }
}
