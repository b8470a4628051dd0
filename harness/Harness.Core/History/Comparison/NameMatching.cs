namespace Harness.Core.History.Comparison;

/// <summary>
/// Names in imported files are the framework's or the build system's (<c>c_pass</c> from CTest,
/// <c>Shapes.Area</c> from GoogleTest's XML, <c>tests::adds</c>), harness's are dotted
/// <c>suite.binary.path</c>. A foreign name that is not a harness name is renamed to the one harness name
/// that ends with it (after a dot), when exactly one does.
/// </summary>
public static class NameMatching
{
    public static SampleSource Align(SampleSource foreign, IReadOnlyCollection<string> names)
    {
        var known = names.ToHashSet(StringComparer.Ordinal);
        // Every dotted suffix of every harness name → that name, or null when two names share the suffix.
        var bySuffix = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            for (var dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1))
            {
                var suffix = name[(dot + 1)..];
                bySuffix[suffix] = bySuffix.ContainsKey(suffix) && bySuffix[suffix] != name ? null : name;
            }
        }
        var sets = foreign.Sets.Select(set =>
            known.Contains(set.Name) ? set
            : bySuffix.GetValueOrDefault(set.Name.Replace("::", ".", StringComparison.Ordinal)) is { } match ? set with { Name = match }
            : set).ToList();
        return foreign with { Sets = sets };
    }
}
