using System.Text.RegularExpressions;

namespace Harness.Testing;

/// <summary>An inclusive range of 1-based source lines.</summary>
public readonly record struct LineRange(int Start, int End)
{
    public bool Contains(int line) => line >= Start && line <= End;

    public override string ToString() => $"{Start}–{End}";
}

/// <summary>
/// A fixture source read for its line numbers, so that tests name lines by their text or by the function
/// they belong to instead of hard-coding numbers that move whenever the fixture is edited.
/// Functions are found by layout, which every fixture follows (clang-format / rustfmt style): the
/// definition starts a line, and its body ends at the first later line that is a lone <c>}</c> at the
/// definition's own indentation.
/// </summary>
public sealed class SourceFile
{
    private readonly string[] _lines;

    private SourceFile(string path, string[] lines)
    {
        Path = path;
        _lines = lines;
    }

    public string Path { get; }

    public int LineCount => _lines.Length;

    public static SourceFile Read(string path) => new(path, File.ReadAllLines(path));

    /// <summary>The text of a 1-based line.</summary>
    public string this[int line] => _lines[line - 1];

    /// <summary>The one line containing <paramref name="text"/>; fails when none or several do.</summary>
    public int LineOf(string text)
    {
        var found = LinesContaining(text);
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"{Path}: expected exactly one line containing '{text}', found {found.Count} ({string.Join(", ", found)})");
    }

    /// <summary>The one line that is exactly <paramref name="statement"/> apart from indentation (so a comment quoting it does not count).</summary>
    public int StatementLine(string statement)
    {
        var found = new List<int>();
        for (var i = 0; i < _lines.Length; i++)
        {
            if (_lines[i].Trim() == statement)
            {
                found.Add(i + 1);
            }
        }
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"{Path}: expected exactly one line '{statement}', found {found.Count} ({string.Join(", ", found)})");
    }

    /// <summary>Every line containing <paramref name="text"/>, in order.</summary>
    public List<int> LinesContaining(string text)
    {
        var found = new List<int>();
        for (var i = 0; i < _lines.Length; i++)
        {
            if (_lines[i].Contains(text, StringComparison.Ordinal))
            {
                found.Add(i + 1);
            }
        }
        return found;
    }

    /// <summary>
    /// A C or C++ function definition: from the first line that starts in column 0, names
    /// <paramref name="name"/> followed by '(' and is not a declaration (no trailing ';'), to its closing brace.
    /// </summary>
    public LineRange CFunction(string name) =>
        Function(new Regex($@"^\S.*\b{Regex.Escape(name)}\s*\((?!.*;\s*$)"), name);

    /// <summary>A Rust function (<c>fn name</c>, any visibility and indentation) to its closing brace.</summary>
    public LineRange RustFunction(string name) =>
        Function(new Regex($@"^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+|unsafe\s+|extern\s+""C""\s+)*fn\s+{Regex.Escape(name)}\b"), name);

    private LineRange Function(Regex definition, string name)
    {
        for (var i = 0; i < _lines.Length; i++)
        {
            if (!definition.IsMatch(_lines[i]))
            {
                continue;
            }
            var indent = Indentation(_lines[i]);
            for (var j = i + 1; j < _lines.Length; j++)
            {
                if (_lines[j].Trim() == "}" && Indentation(_lines[j]) == indent)
                {
                    return new LineRange(i + 1, j + 1);
                }
            }
            throw new InvalidOperationException($"{Path}: the definition of {name} at line {i + 1} has no closing brace at its indentation");
        }
        throw new InvalidOperationException($"{Path}: no definition of {name}");
    }

    private static int Indentation(string line) => line.Length - line.TrimStart().Length;
}
