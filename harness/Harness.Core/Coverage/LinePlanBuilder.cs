using Harness.Symbols;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Line mode (<see cref="ProbeMode.Lines"/>): the statement addresses (is_stmt, line ≠ 0) of each selected source line,
/// one probe group per line; the first hit of any of a line's addresses removes the others.
/// </summary>
internal static class LinePlanBuilder
{
    public static ImagePlan? Build(string imagePath, SourceMap map, bool[] selectedFiles, Func<string, int, bool> isExcluded)
    {
        var groups = new Dictionary<(int File, int Line), int>();
        var addresses = new List<ulong>();
        var groupOf = new List<int>();
        var aliases = new List<(int Owner, int Alias)>();
        ulong previous = ulong.MaxValue;
        foreach (var row in map.Rows)
        {
            if (!row.IsStatement || row.IsEndSequence || row.Line == 0 || row.File < 0 || !selectedFiles[row.File])
            {
                continue;
            }
            if (isExcluded(map.Files[row.File], row.Line))
            {
                continue;
            }
            if (!groups.TryGetValue((row.File, row.Line), out var group))
            {
                group = groups.Count;
                groups[(row.File, row.Line)] = group;
            }
            // Two rows at one address (a line and the next, with no code between) share one breakpoint, the
            // first line's; the second line counts as run when the first does.
            if (row.Address == previous)
            {
                if (groupOf[^1] != group)
                {
                    aliases.Add((groupOf[^1], group));
                }
                continue;
            }
            previous = row.Address;
            addresses.Add(row.Address);
            groupOf.Add(group);
        }
        if (groups.Count == 0)
        {
            return null;
        }
        var lines = new (int File, int Line)[groups.Count];
        foreach (var (key, group) in groups)
        {
            lines[group] = key;
        }
        // A function's span and hit come from the lines its probes stand for.
        var functionLines = new Dictionary<Function, List<int>>(ReferenceEqualityComparer.Instance);
        for (var probe = 0; probe < addresses.Count; probe++)
        {
            if (map.FunctionAt(addresses[probe]) is { } function)
            {
                if (!functionLines.TryGetValue(function, out var list))
                {
                    functionLines[function] = list = [];
                }
                list.Add(groupOf[probe]);
            }
        }
        return new ImagePlan(imagePath, map, selectedFiles, lines, [.. aliases], [], functionLines,
            new ProbeSet([.. addresses], [.. groupOf], groups.Count));
    }
}
