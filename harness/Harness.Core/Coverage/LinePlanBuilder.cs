using Harness.Symbols;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Line mode (<see cref="ProbeMode.Lines"/>): a breakpoint at every statement address (is_stmt, line ≠ 0) of each
/// selected source line, one probe group per line; the first hit of any of a line's addresses removes the others.
/// Block mode uses the same probes for code it cannot decode.
/// </summary>
internal static class LinePlanBuilder
{
    /// <param name="generated">Code the compiler wrote (<see cref="GeneratedCode"/>): never a line.</param>
    public static ImagePlan? Build(string imagePath, SourceMap map, bool[] selectedFiles, Func<string, int, bool> isExcluded, IReadOnlyList<AddressRange> generated)
    {
        var lineFacts = new Dictionary<(int File, int Line), int>();
        var addresses = new List<ulong>();
        var groupFacts = new List<int[]>();
        var functionLines = new Dictionary<Function, List<int>>(ReferenceEqualityComparer.Instance);
        var rows = map.Rows;
        var wanted = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            wanted[i] = row.IsStatement && !row.IsEndSequence && row.Line != 0 && row.File >= 0 && selectedFiles[row.File] && !isExcluded(map.Files[row.File], row.Line)
                && !IsIn(generated, row.Address);
        }
        AddStatementProbes(map, wanted, (file, line) =>
        {
            if (!lineFacts.TryGetValue((file, line), out var fact))
            {
                fact = lineFacts.Count;
                lineFacts[(file, line)] = fact;
            }
            return fact;
        }, addresses, groupFacts, functionLines);
        if (lineFacts.Count == 0)
        {
            return null;
        }
        var lines = new (int File, int Line)[lineFacts.Count];
        foreach (var (key, fact) in lineFacts)
        {
            lines[fact] = key;
        }
        var (groups, facts) = Group(groupFacts);
        return new ImagePlan(imagePath, map, selectedFiles, lines, [], functionLines,
            new ProbeSet([.. addresses], groups, facts.Length, facts, lines.Length));
    }

    /// <summary>
    /// One probe per distinct address of the rows marked wanted, proving the lines of every wanted row at that address.
    /// Two rows at one address (a line and the next, with no code between) share the breakpoint, and a hit proves both;
    /// but another address of the first line proves only the first (an alias by line, not by address, would mark the
    /// second line run whenever the first is).
    /// </summary>
    public static void AddStatementProbes(
        SourceMap map, bool[] wanted, Func<int, int, int> lineFact, List<ulong> addresses, List<int[]> probeFacts, Dictionary<Function, List<int>> functionLines)
    {
        var rows = map.Rows;
        var i = 0;
        while (i < rows.Length)
        {
            if (!wanted[i])
            {
                i++;
                continue;
            }
            var address = rows[i].Address;
            var facts = new List<int>();
            for (; i < rows.Length && rows[i].Address == address; i++)
            {
                if (wanted[i])
                {
                    var fact = lineFact(rows[i].File, rows[i].Line);
                    if (!facts.Contains(fact))
                    {
                        facts.Add(fact);
                    }
                }
            }
            addresses.Add(address);
            probeFacts.Add([.. facts]);
            // Only the function's own code gives its extent: code inlined into it from elsewhere (another file, or a
            // helper far down this one) made spans of thousands of lines, and every line inside a method's span is
            // written again under that method in Cobertura (18 MB for a 20k-line binary).
            if (map.FunctionAt(address) is { } function && !IsInlined(function, address))
            {
                if (!functionLines.TryGetValue(function, out var list))
                {
                    functionLines[function] = list = [];
                }
                list.AddRange(facts);
            }
        }
    }

    /// <summary>
    /// Groups probes that prove the same facts (every address of a line that is alone at its addresses: one group per
    /// line, so its first hit removes the line's other breakpoints): the group of each probe, and each group's facts.
    /// </summary>
    public static (int[] Groups, int[][] Facts) Group(List<int[]> probeFacts)
    {
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        // Most probes prove one line: keyed by it, without a string per probe.
        var bySingle = new Dictionary<int, int>();
        var facts = new List<int[]>();
        var groups = new int[probeFacts.Count];
        for (var p = 0; p < probeFacts.Count; p++)
        {
            if (probeFacts[p] is [var single])
            {
                if (!bySingle.TryGetValue(single, out var one))
                {
                    one = facts.Count;
                    bySingle[single] = one;
                    facts.Add(probeFacts[p]);
                }
                groups[p] = one;
                continue;
            }
            var sorted = probeFacts[p].Order().ToArray();
            var key = string.Join(',', sorted);
            if (!byKey.TryGetValue(key, out var group))
            {
                group = facts.Count;
                byKey[key] = group;
                facts.Add(probeFacts[p]);
            }
            groups[p] = group;
        }
        return (groups, [.. facts]);
    }

    public static bool IsIn(IReadOnlyList<AddressRange> ranges, ulong address)
    {
        for (var i = 0; i < ranges.Count; i++)
        {
            if (ranges[i].Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Runs once per probe: plain loops, since LINQ over the <see cref="ArraySegment{T}"/> boxed it every time.</summary>
    private static bool IsInlined(Function function, ulong address)
    {
        var inlines = function.Inlines;
        for (var i = 0; i < inlines.Count; i++)
        {
            if (inlines[i].Depth != 1)
            {
                continue;
            }
            foreach (var range in inlines[i].Ranges)
            {
                if (range.Contains(address))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
