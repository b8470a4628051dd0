using Harness.Symbols;
using Harness.Symbols.ControlFlow;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Block mode (<see cref="ProbeMode.Blocks"/>): every function with selected code is decoded into basic blocks
/// (<see cref="FunctionGraph"/>); only blocks whose coverage cannot be inferred get a one-shot probe, and a probe's hit
/// proves the lines of its block and of every block that dominates it, and that the function was entered
/// (Agrawal, POPL 1994; Tikir &amp; Hollingsworth, ISSTA 2002). Every row of the line table is attributed, statement
/// or not, and every row address starts a block, so a jump into the middle of a row is seen. Code the planner cannot
/// decode safely (no DWARF function around it, an unresolved indirect jump, bytes that do not decode) keeps
/// line-by-line probes on its statement rows.
/// </summary>
internal sealed class BlockPlanBuilder
{
    private readonly string _path;
    private readonly SourceMap _map;
    private readonly bool[] _selectedFiles;
    private readonly Func<string, int, bool> _isExcluded;
    private readonly IReadOnlyList<AddressRange> _generated;
    private readonly Dictionary<(int File, int Line), int> _lineFacts = [];
    private readonly List<Function> _entered = [];
    private readonly List<ulong> _addresses = [];
    private readonly List<int[]> _groupFacts = [];
    private readonly Dictionary<Function, List<int>> _functionLines = new(ReferenceEqualityComparer.Instance);
    private readonly List<(ulong Start, ulong End, DecodedFunction Function, int Block)> _blocks = [];
    private readonly HashSet<(int File, int Line)> _statementLines = [];

    private BlockPlanBuilder(string path, SourceMap map, bool[] selectedFiles, Func<string, int, bool> isExcluded, IReadOnlyList<AddressRange> generated)
    {
        _path = path;
        _map = map;
        _selectedFiles = selectedFiles;
        _isExcluded = isExcluded;
        _generated = generated;
    }

    /// <param name="generated">Code the compiler wrote (<see cref="GeneratedCode"/>): never a line.</param>
    public static ImagePlan? Build(string imagePath, SourceMap map, bool[] selectedFiles, Func<string, int, bool> isExcluded, IReadOnlyList<AddressRange> generated)
    {
        MachineCode code;
        try
        {
            code = MachineCode.Open(imagePath);
        }
        catch (SymbolReadException)
        {
            return LinePlanBuilder.Build(imagePath, map, selectedFiles, isExcluded, generated);
        }
        using (code)
        {
            if (!code.IsX64)
            {
                return LinePlanBuilder.Build(imagePath, map, selectedFiles, isExcluded, generated);
            }
            return new BlockPlanBuilder(imagePath, map, selectedFiles, isExcluded, generated).Plan(code);
        }
    }

    private bool IsWanted(in LineRow row) =>
        !row.IsEndSequence && row.Line != 0 && row.File >= 0 && _selectedFiles[row.File] && !_isExcluded(_map.Files[row.File], row.Line)
        && !LinePlanBuilder.IsIn(_generated, row.Address);

    private int LineFact(int file, int line)
    {
        if (!_lineFacts.TryGetValue((file, line), out var fact))
        {
            fact = _lineFacts.Count;
            _lineFacts[(file, line)] = fact;
        }
        return fact;
    }

    private ImagePlan? Plan(MachineCode code)
    {
        var rows = _map.Rows;
        foreach (var row in rows)
        {
            if (row.IsStatement && !row.IsEndSequence)
            {
                _statementLines.Add((row.File, row.Line));
            }
        }
        var handled = new bool[rows.Length];
        var decodedStarts = new HashSet<ulong>();
        int decoded = 0, fallback = 0;
        foreach (var function in _map.Functions)
        {
            if (!function.HasCode)
            {
                continue;
            }
            var ranges = function.Ranges.OrderBy(r => r.Start).ToList();
            var rowSpans = new List<(int From, int To)>(ranges.Count);
            foreach (var range in ranges)
            {
                rowSpans.Add(RowsIn(rows, range));
            }
            var wanted = false;
            foreach (var (from, to) in rowSpans)
            {
                for (var i = from; i < to && !wanted; i++)
                {
                    wanted = IsWanted(rows[i]);
                }
            }
            if (!wanted || ranges.Any(r => decodedStarts.Contains(r.Start)))
            {
                continue;
            }
            // The entry range first: Build treats the first range's start as the entry.
            var entry = function.LowPc;
            var pieces = new List<(ulong, ReadOnlyMemory<byte>)>();
            var readable = true;
            foreach (var range in ranges.OrderBy(r => r.Start == entry ? 0 : 1))
            {
                if (!code.TryGet(range.Start, range.End, out var bytes))
                {
                    readable = false;
                    break;
                }
                pieces.Add((range.Start, bytes));
            }
            var leaders = new List<ulong>();
            foreach (var (from, to) in rowSpans)
            {
                for (var i = from; i < to; i++)
                {
                    if (!rows[i].IsEndSequence)
                    {
                        leaders.Add(rows[i].Address);
                    }
                }
            }
            var graph = readable ? FunctionGraph.Build(pieces, leaders, out _) : null;
            if (graph is null || graph.Blocks[0].Start != entry)
            {
                fallback++;
                continue;
            }
            decoded++;
            foreach (var range in ranges)
            {
                decodedStarts.Add(range.Start);
            }
            foreach (var (from, to) in rowSpans)
            {
                Array.Fill(handled, true, from, to - from);
            }
            AddFunction(function, graph, ranges, rows);
        }
        AddLineProbes(rows, handled);
        if (_lineFacts.Count == 0)
        {
            return null;
        }

        var lines = new (int File, int Line)[_lineFacts.Count];
        foreach (var (key, fact) in _lineFacts)
        {
            lines[fact] = key;
        }
        // Entered facts come after the line facts: remap their provisional negative ids.
        var lineCount = lines.Length;
        int Remap(int fact) => fact < 0 ? lineCount + (-fact - 1) : fact;
        var facts = _groupFacts.Select(list => list.Select(Remap).ToArray()).ToArray();
        foreach (var decodedFunction in _blocks.Select(b => b.Function).Distinct())
        {
            decodedFunction.EnteredFact = Remap(decodedFunction.EnteredFact);
        }
        var (groups, groupFacts) = LinePlanBuilder.Group([.. facts]);
        _blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
        var blocks = _blocks.ToArray();
        var probes = new ProbeSet([.. _addresses], groups, groupFacts.Length, groupFacts, lineCount + _entered.Count)
        {
            FactsReachedAt = (address, started) => Reached(blocks, address, started),
        };
        return new ImagePlan(_path, _map, _selectedFiles, lines, [.. _entered], _functionLines, probes)
        {
            DecodedFunctions = decoded,
            LineProbedFunctions = fallback,
        };
    }

    private void AddFunction(Function function, FunctionGraph graph, List<AddressRange> ranges, ReadOnlySpan<LineRow> rows)
    {
        var entered = -(_entered.Count + 1);
        _entered.Add(function);
        var decodedFunction = new DecodedFunction(graph, new int[graph.Blocks.Count][]) { EnteredFact = entered };
        var functionLines = new HashSet<int>();
        for (var b = 0; b < graph.Blocks.Count; b++)
        {
            var block = graph.Blocks[b];
            var rangeStart = ranges.First(r => r.Contains(block.Start)).Start;
            decodedFunction.Lines[b] = LinesOfBlock(rows, block.Start, rangeStart);
            functionLines.UnionWith(decodedFunction.Lines[b]);
            _blocks.Add((block.Start, block.End, decodedFunction, b));
        }
        _functionLines[function] = [.. functionLines];
        for (var b = 0; b < graph.Blocks.Count; b++)
        {
            decodedFunction.Probed[b] = !graph.IsInferable(b);
        }
        for (var b = 0; b < graph.Blocks.Count; b++)
        {
            if (decodedFunction.Probed[b])
            {
                _addresses.Add(graph.Blocks[b].Start);
                _groupFacts.Add(decodedFunction.Proven(b, includeOwn: true));
            }
        }
    }

    /// <summary>The line facts of a block: the wanted rows at the last row address at or before its start (inside its range).</summary>
    private int[] LinesOfBlock(ReadOnlySpan<LineRow> rows, ulong start, ulong rangeStart)
    {
        var last = LastRowAtOrBefore(rows, start);
        if (last < 0 || rows[last].Address < rangeStart)
        {
            return [];
        }
        var address = rows[last].Address;
        var first = last;
        while (first > 0 && rows[first - 1].Address == address)
        {
            first--;
        }
        var result = new List<int>();
        for (var i = first; i < rows.Length && rows[i].Address == address; i++)
        {
            if (rows[i].IsEndSequence)
            {
                // A sequence ending here: the rows before belong to the previous sequence, not to this block.
                result.Clear();
                continue;
            }
            // A line with statement rows is proven only by code under them: an instruction the compiler hoisted out of a
            // line (a non-statement row, as at -O2) does not make the statement run. Lines with no statement row at all
            // (-Og, #pragma GCC optimize) are attributed through whatever rows they have.
            if (IsWanted(rows[i]) && (rows[i].IsStatement || !_statementLines.Contains((rows[i].File, rows[i].Line))))
            {
                var fact = LineFact(rows[i].File, rows[i].Line);
                if (!result.Contains(fact))
                {
                    result.Add(fact);
                }
            }
        }
        return [.. result];
    }

    /// <summary>Statement rows no decoded function covers: probed as in line mode.</summary>
    private void AddLineProbes(ReadOnlySpan<LineRow> rows, bool[] handled)
    {
        var wanted = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            wanted[i] = !handled[i] && rows[i].IsStatement && IsWanted(rows[i]);
        }
        LinePlanBuilder.AddStatementProbes(_map, wanted, LineFact, _addresses, _groupFacts, _functionLines);
    }

    private static int[] Reached((ulong Start, ulong End, DecodedFunction Function, int Block)[] blocks, ulong address, bool started)
    {
        int low = 0, high = blocks.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >> 1;
            if (address < blocks[mid].Start)
            {
                high = mid - 1;
            }
            else if (address >= blocks[mid].End)
            {
                low = mid + 1;
            }
            else
            {
                var (start, _, function, block) = blocks[mid];
                return function.Proven(block, includeOwn: started || address > start);
            }
        }
        return [];
    }

    /// <summary>[from, to) indices of the rows whose address lies in a range.</summary>
    private static (int From, int To) RowsIn(ReadOnlySpan<LineRow> rows, AddressRange range)
    {
        var from = LastRowAtOrBefore(rows, range.Start - 1) + 1;
        var to = from;
        while (to < rows.Length && rows[to].Address < range.End)
        {
            to++;
        }
        return (from, to);
    }

    private static int LastRowAtOrBefore(ReadOnlySpan<LineRow> rows, ulong address)
    {
        int low = 0, high = rows.Length - 1, found = -1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            if (rows[mid].Address <= address)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    /// <summary>A decoded function: its graph, the line facts of each block, which blocks have probes, and its entered fact.</summary>
    private sealed class DecodedFunction(FunctionGraph graph, int[][] lines)
    {
        public int[][] Lines { get; } = lines;

        public bool[] Probed { get; } = new bool[lines.Length];

        public int EnteredFact { get; set; }

        /// <summary>
        /// What reaching a block proves beyond what the probes above it already proved: the function was entered, and every
        /// block strictly dominating it ran to its end (a thread that reached the block left each of them through its last
        /// instruction) — but only up to the nearest dominator with a probe of its own. That probe sits on every path to this
        /// block, so by the time the block is reached it has fired (or its facts were known otherwise, which is why it was
        /// not armed), and with it everything above. When <paramref name="includeOwn"/>, also the block's own lines.
        /// Listing only this stretch keeps each probe's facts short (the full chain is quadratic in a function's depth).
        /// </summary>
        public int[] Proven(int block, bool includeOwn)
        {
            var facts = new HashSet<int> { EnteredFact };
            if (includeOwn)
            {
                facts.UnionWith(Lines[block]);
            }
            for (var b = graph.Parent[block]; b >= 0 && !Probed[b]; b = graph.Parent[b])
            {
                facts.UnionWith(Lines[b]);
            }
            return [.. facts];
        }
    }
}
