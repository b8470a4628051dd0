namespace Harness.Symbols.Dwarf;

/// <summary>
/// Interns absolute source paths across all units, so that every crate's <c>src/lib.rs</c> becomes
/// its own file and rows of one file from several units share an index.
/// </summary>
internal sealed class FileTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string?, string, string), int> _resolved = [];
    private readonly List<string> _paths = [];

    public IReadOnlyList<string> Paths => _paths;

    /// <summary>The id of <paramref name="name"/> in <paramref name="directory"/>, both resolved against the unit's comp_dir.</summary>
    public int Resolve(string? compDir, string directory, string name)
    {
        var key = (compDir, directory, name);
        if (_resolved.TryGetValue(key, out var id))
        {
            return id;
        }
        id = Intern(Combine(compDir, directory, name));
        _resolved[key] = id;
        return id;
    }

    public int Intern(string path)
    {
        if (!_ids.TryGetValue(path, out var id))
        {
            id = _paths.Count;
            _paths.Add(path);
            _ids[path] = id;
        }
        return id;
    }

    internal static string Combine(string? compDir, string directory, string name)
    {
        var path = name;
        if (!Path.IsPathRooted(path))
        {
            path = directory.Length == 0 ? path : Path.Join(directory, path);
            if (!Path.IsPathRooted(path) && !string.IsNullOrEmpty(compDir))
            {
                path = Path.Join(compDir, path);
            }
        }
        return Normalize(path);
    }

    private static string Normalize(string path)
    {
        if (!Path.IsPathRooted(path))
        {
            return path;
        }
        if (!path.Contains("/.", StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }
        try
        {
            // Lexical on Unix: collapses "." and ".." without touching the file system.
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            return path;
        }
    }
}
