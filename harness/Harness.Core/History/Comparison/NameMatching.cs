namespace Harness.Core.History.Comparison;

/// <summary>
/// Names in imported files are the framework's or the build system's (<c>c_pass</c> from CTest,
/// <c>Shapes.Area</c> from GoogleTest's XML, <c>tests::adds</c>), harness's are dotted
/// <c>suite.binary.path</c>. A foreign name that is not a harness name is renamed to the one harness name
/// that ends with it, when exactly one does.
/// </summary>
public static class NameMatching
{
    public static SampleSource Align(SampleSource foreign, IReadOnlyCollection<string> names)
    {
        var known = names.ToHashSet(StringComparer.Ordinal);
        var sets = foreign.Sets.Select(set =>
        {
            if (known.Contains(set.Name))
            {
                return set;
            }
            var dotted = "." + set.Name.Replace("::", ".", StringComparison.Ordinal);
            var matches = names.Where(n => n.EndsWith(dotted, StringComparison.Ordinal)).Take(2).ToList();
            return matches.Count == 1 ? set with { Name = matches[0] } : set;
        }).ToList();
        return foreign with { Sets = sets };
    }
}
