using System.Text;
using System.Text.RegularExpressions;

namespace Harness.Core.Coverage;

/// <summary>
/// Which source files coverage is about. By default: files that exist on disk and are not toolchain or
/// system sources (<c>/usr/…</c>, <c>/rustc/…</c>, cargo's registry and git checkouts, rustup's toolchains).
/// <c>--include</c> globs replace that default; <c>--exclude</c> globs then remove files.
/// Globs: <c>**</c> any characters, <c>*</c> any but '/', <c>?</c> one character; a pattern that is not
/// absolute matches at any depth (<c>src/*.rs</c> is <c>**/src/*.rs</c>).
/// </summary>
public sealed class SourceSelection
{
    private static readonly string[] ToolchainMarkers = ["/.cargo/registry/", "/.cargo/git/", "/.rustup/toolchains/", "/rustc/"];

    private readonly Regex[] _includes;
    private readonly Regex[] _excludes;
    private readonly Dictionary<string, bool> _decisions = new(StringComparer.Ordinal);

    public SourceSelection(IEnumerable<string>? includes = null, IEnumerable<string>? excludes = null)
    {
        _includes = (includes ?? []).Select(Compile).ToArray();
        _excludes = (excludes ?? []).Select(Compile).ToArray();
    }

    /// <summary>No <c>--include</c> or <c>--exclude</c>: the default selection, which the user did not narrow.</summary>
    public bool IsDefault => _includes.Length == 0 && _excludes.Length == 0;

    public bool IsSelected(string path)
    {
        if (!_decisions.TryGetValue(path, out var selected))
        {
            selected = Decide(path);
            _decisions[path] = selected;
        }
        return selected;
    }

    private bool Decide(string path)
    {
        if (_excludes.Any(e => e.IsMatch(path)))
        {
            return false;
        }
        if (_includes.Length > 0)
        {
            return _includes.Any(i => i.IsMatch(path));
        }
        return Path.IsPathRooted(path)
            && !path.StartsWith("/usr/", StringComparison.Ordinal)
            && !ToolchainMarkers.Any(marker => path.Contains(marker, StringComparison.Ordinal))
            && File.Exists(path);
    }

    internal static Regex Compile(string glob)
    {
        var pattern = glob.StartsWith('/') || glob.StartsWith("**", StringComparison.Ordinal) ? glob : "**/" + glob;
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    // "**/" matches zero or more whole directories.
                    i++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }
        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }
}
