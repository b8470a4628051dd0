using Harness.Core.Changes;
using Harness.Core.Coverage;

namespace Harness.Core.Reports;

/// <summary>The changed lines of one file that the coverage data lists, split into covered and uncovered.</summary>
/// <param name="Path">Relative to the repository's top level.</param>
/// <param name="Covered">Changed lines that ran, sorted.</param>
/// <param name="Uncovered">Changed lines the coverage lists as executable that did not run, sorted.</param>
public sealed record PatchFile(string Path, IReadOnlyList<int> Covered, IReadOnlyList<int> Uncovered)
{
    public int Coverable => Covered.Count + Uncovered.Count;

    /// <summary>The uncovered lines as ranges: <c>12-14, 20</c>.</summary>
    public string UncoveredRanges => PatchCoverage.Ranges(Uncovered);
}

/// <summary>
/// Patch coverage, as Codecov and diff-cover define it: of the lines added or changed since a base, those the coverage
/// data lists (executable lines; comments and declarations are not coverable), how many ran.
/// </summary>
/// <param name="Base">The base commit (short form).</param>
/// <param name="Files">Changed files with at least one coverable changed line, by path.</param>
public sealed record PatchCoverage(string Base, IReadOnlyList<PatchFile> Files)
{
    public int Covered => Files.Sum(f => f.Covered.Count);

    public int Coverable => Files.Sum(f => f.Coverable);

    /// <summary>The changed lines of <paramref name="changes"/> against <paramref name="coverage"/>, whose paths are absolute or relative to the repository.</summary>
    public static PatchCoverage From(CoverageReport coverage, ChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        ArgumentNullException.ThrowIfNull(changes);
        var files = new List<PatchFile>();
        foreach (var file in coverage.Files)
        {
            var relative = Path.IsPathRooted(file.Path) ? changes.Relative(file.Path) : file.Path;
            if (relative is null || !changes.Files.TryGetValue(relative, out var change))
            {
                continue;
            }
            var changed = file.Lines.Where(l => change.Adds(l.Line)).ToList();
            if (changed.Count > 0)
            {
                files.Add(new PatchFile(relative, [.. changed.Where(l => l.IsCovered).Select(l => l.Line)], [.. changed.Where(l => !l.IsCovered).Select(l => l.Line)]));
            }
        }
        return new PatchCoverage(changes.Base.Length > 12 ? changes.Base[..12] : changes.Base, [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)]);
    }

    /// <summary>Sorted line numbers as ranges: <c>3-5, 9</c>.</summary>
    public static string Ranges(IReadOnlyList<int> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var parts = new List<string>();
        for (var i = 0; i < lines.Count;)
        {
            var j = i;
            while (j + 1 < lines.Count && lines[j + 1] == lines[j] + 1)
            {
                j++;
            }
            parts.Add(j == i ? lines[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{lines[i]}-{lines[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
