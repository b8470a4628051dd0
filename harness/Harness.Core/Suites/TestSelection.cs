using System.Text;
using System.Text.RegularExpressions;
using Harness.Core.Model;

namespace Harness.Core.Suites;

/// <summary>
/// Which tests a run takes: <c>--filter</c> expressions (substring, or glob with <c>*</c>/<c>?</c>; a leading
/// <c>!</c> excludes; <c>--exact</c> makes plain expressions whole-name matches), matched against the
/// fully-qualified and the display name; then a partition for CI shards (<c>hash:M/N</c>, stable per test
/// name, or <c>slice:M/N</c>, every N-th test of the sorted list). Labels select as ctest's <c>-L</c>/<c>-LE</c> do:
/// each <c>--label</c> regular expression must match one of a test's labels (CTest LABELS), and a test with a label
/// matching any <c>--exclude-label</c> is left out.
/// </summary>
public sealed class TestSelection
{
    private readonly List<Func<TestCase, bool>> _includes = [];
    private readonly List<Func<TestCase, bool>> _excludes = [];
    private readonly List<Func<TestCase, bool>> _labels = [];
    private readonly (string Kind, int Index, int Count)? _partition;

    /// <exception cref="ArgumentException">A partition or a label expression that does not parse.</exception>
    public TestSelection(IEnumerable<string>? filters = null, bool exact = false, string? partition = null,
        IEnumerable<string>? labels = null, IEnumerable<string>? excludeLabels = null)
    {
        foreach (var label in labels ?? [])
        {
            var regex = LabelRegex(label, "--label");
            _labels.Add(t => t.Binary.Labels.Any(regex.IsMatch));
        }
        foreach (var label in excludeLabels ?? [])
        {
            var regex = LabelRegex(label, "--exclude-label");
            _excludes.Add(t => t.Binary.Labels.Any(regex.IsMatch));
        }
        foreach (var filter in filters ?? [])
        {
            var (list, expression) = filter.StartsWith('!') ? (_excludes, filter[1..]) : (_includes, filter);
            list.Add(Matcher(expression, exact));
        }
        if (partition is not null)
        {
            _partition = ParsePartition(partition);
        }
    }

    public IReadOnlyList<TestCase> Apply(IEnumerable<TestCase> tests)
    {
        var selected = tests
            .Where(t => (_includes.Count == 0 || _includes.Any(m => m(t))) && _labels.All(m => m(t)) && !_excludes.Any(m => m(t)))
            .OrderBy(t => t.FullyQualifiedName, StringComparer.Ordinal)
            .ToList();
        if (_partition is not { } partition)
        {
            return selected;
        }
        return partition.Kind == "hash"
            ? [.. selected.Where(t => (int)(StableHash(t.FullyQualifiedName) % (ulong)partition.Count) == partition.Index - 1)]
            : [.. selected.Where((_, i) => i % partition.Count == partition.Index - 1)];
    }

    /// <summary>FNV-1a over the UTF-8 name: the same shard for a test on every machine and every run.</summary>
    internal static ulong StableHash(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    private static Func<TestCase, bool> Matcher(string expression, bool exact)
    {
        if (expression.Contains('*') || expression.Contains('?'))
        {
            var regex = new Regex("^" + Regex.Escape(expression).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.CultureInvariant);
            return t => regex.IsMatch(t.FullyQualifiedName) || regex.IsMatch(t.DisplayName);
        }
        return exact
            ? t => t.FullyQualifiedName == expression || t.DisplayName == expression
            : t => t.FullyQualifiedName.Contains(expression, StringComparison.Ordinal) || t.DisplayName.Contains(expression, StringComparison.Ordinal);
    }

    private static Regex LabelRegex(string expression, string option)
    {
        try
        {
            return new Regex(expression, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{option} '{expression}': not a regular expression ({e.Message})", e);
        }
    }

    private static (string, int, int) ParsePartition(string text)
    {
        var match = Regex.Match(text, @"^(hash|slice):(\d+)/(\d+)$");
        if (!match.Success || !int.TryParse(match.Groups[2].Value, out var index) || !int.TryParse(match.Groups[3].Value, out var count)
            || count < 1 || index < 1 || index > count)
        {
            throw new ArgumentException($"--partition '{text}': expected hash:M/N or slice:M/N with 1 <= M <= N");
        }
        return (match.Groups[1].Value, index, count);
    }
}
