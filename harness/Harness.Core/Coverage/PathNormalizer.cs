namespace Harness.Core.Coverage;

/// <summary>
/// Rewrites source paths from different machines and tools to one form, so that the same file from a CI checkout,
/// a developer's clone and a coverlet run is one file in a merged report.
/// </summary>
/// <remarks>
/// In order: backslashes become <c>/</c> (coverlet on Windows); the first <c>FROM=TO</c> mapping whose FROM is a
/// whole-segment prefix of the path replaces it (longest FROM first, so <c>/ci/a=…</c> wins over <c>/ci=…</c>);
/// a path that is still relative is joined to the source root when there is one; <c>.</c> and <c>..</c> segments
/// are resolved lexically (never against the disk: the file may not exist here). A <c>..</c> above the root of an
/// absolute path stays at the root, as the kernel does; one above a relative path is kept.
/// </remarks>
public sealed class PathNormalizer
{
    private readonly List<(string From, string To)> _maps;
    private readonly string? _sourceRoot;

    /// <param name="sourceRoot">Directory relative paths are taken from, or null to leave them relative.</param>
    /// <param name="maps">Prefix rewrites <c>FROM=TO</c>.</param>
    public PathNormalizer(string? sourceRoot = null, IEnumerable<(string From, string To)>? maps = null)
    {
        _sourceRoot = sourceRoot is null ? null : Clean(sourceRoot.Replace('\\', '/'));
        _maps = [.. (maps ?? []).Select(m => (Clean(m.From.Replace('\\', '/')), Clean(m.To.Replace('\\', '/')))).OrderByDescending(m => m.Item1.Length)];
    }

    /// <summary>No rewriting beyond separators and <c>.</c>/<c>..</c> segments.</summary>
    public static PathNormalizer None { get; } = new();

    /// <summary>Parses <c>FROM=TO</c> (the first <c>=</c> splits); false when either side is empty.</summary>
    public static bool TryParseMap(string text, out (string From, string To) map)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        map = equals > 0 && equals < text.Length - 1 ? (text[..equals], text[(equals + 1)..]) : default;
        return equals > 0 && equals < text.Length - 1;
    }

    public string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = path.Replace('\\', '/');
        foreach (var (from, to) in _maps)
        {
            if (result == from || result.StartsWith(from.EndsWith('/') ? from : from + "/", StringComparison.Ordinal))
            {
                result = to + result[from.Length..];
                break;
            }
        }
        if (!result.StartsWith('/') && !IsWindowsRooted(result) && _sourceRoot is not null)
        {
            result = _sourceRoot + "/" + result;
        }
        return Clean(result);
    }

    private static bool IsWindowsRooted(string path) => path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] == '/';

    private static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return path;
        }
        var absolute = path.StartsWith('/');
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment == ".." && absolute)
            {
                continue;
            }
            else
            {
                segments.Add(segment);
            }
        }
        var joined = string.Join('/', segments);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}
