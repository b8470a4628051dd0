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
/// <para>
/// With branches (<see cref="BranchCoverage"/>), each conditional jump of a decoded function has two arm facts (taken,
/// then fall-through). An arm whose target block has no other predecessor is proven by reaching that block — it is one
/// more fact of the block, known through the block's probe or the dominator inference like its lines, at no extra trap.
/// An arm whose target is also reached another way (the join after an <c>if</c> without <c>else</c>, a loop head) is
/// proven by a <see cref="BranchProbe"/> on the jump, which the tracer keeps until those arms are known.
/// </para>
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
    private readonly BranchCoverage _branches;
    private readonly CompilerChecks? _compilerChecks;
    private readonly List<BranchPoint> _branchPoints = [];
    /// <summary>Per probe in <see cref="_addresses"/>: the branch it watches, or null for a block or line probe.</summary>
    private readonly List<BranchProbe?> _branchProbes = [];

    /// <summary>
    /// Arm facts are numbered from here until the plan is complete, then moved after the line and entered facts (branch
    /// point k: taken arm 2k, fall-through 2k + 1).
    /// </summary>
    private const int ArmBase = 1 << 30;

    private BlockPlanBuilder(string path, SourceMap map, bool[] selectedFiles, Func<string, int, bool> isExcluded, IReadOnlyList<AddressRange> generated, BranchCoverage branches, MachineCode code)
    {
        _path = path;
        _map = map;
        _selectedFiles = selectedFiles;
        _isExcluded = isExcluded;
        _generated = generated;
        _branches = branches;
        if (branches == BranchCoverage.Written)
        {
            _compilerChecks = new CompilerChecks(LoadSymbols(path), code.PointerAt);
        }
    }

    private static ElfSymbolTable? LoadSymbols(string path)
    {
        try
        {
            return ElfSymbolTable.Load(path);
        }
        catch (SymbolReadException)
        {
            return null;
        }
    }

    /// <param name="generated">Code the compiler wrote (<see cref="GeneratedCode"/>): never a line.</param>
    /// <param name="branches">Whether to plan branch arms too.</param>
    public static ImagePlan? Build(string imagePath, SourceMap map, bool[] selectedFiles, Func<string, int, bool> isExcluded, IReadOnlyList<AddressRange> generated, BranchCoverage branches = BranchCoverage.Off)
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
            return new BlockPlanBuilder(imagePath, map, selectedFiles, isExcluded, generated, branches, code).Plan(code);
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
        var armStart = lineCount + _entered.Count;
        int Remap(int fact) => fact < 0 ? lineCount + (-fact - 1) : fact >= ArmBase ? armStart + (fact - ArmBase) : fact;
        int[] RemapAll(int[] list) => [.. list.Select(Remap)];
        var facts = _groupFacts.Select(RemapAll).ToArray();
        foreach (var decodedFunction in _blocks.Select(b => b.Function).Distinct())
        {
            decodedFunction.EnteredFact = Remap(decodedFunction.EnteredFact);
            decodedFunction.RemapArms(Remap);
        }
        var (groups, groupFacts) = LinePlanBuilder.Group([.. facts]);
        _blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
        var blocks = _blocks.ToArray();
        var probes = new ProbeSet([.. _addresses], groups, groupFacts.Length, groupFacts, armStart + 2 * _branchPoints.Count)
        {
            FactsReachedAt = (address, started) => Reached(blocks, address, started),
            Branches = _branchPoints.Count == 0
                ? null
                : [.. _branchProbes.Select(b => b is null ? null : b with { WhenTaken = RemapAll(b.WhenTaken), WhenNotTaken = RemapAll(b.WhenNotTaken) }),
                    .. new BranchProbe?[_addresses.Count - _branchProbes.Count]],
        };
        return new ImagePlan(_path, _map, _selectedFiles, lines, [.. _entered], _functionLines, probes)
        {
            DecodedFunctions = decoded,
            LineProbedFunctions = fallback,
            Branches = [.. _branchPoints],
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
        var watched = _branches == BranchCoverage.Off ? [] : AddBranches(graph, decodedFunction, ranges, rows);
        for (var b = 0; b < graph.Blocks.Count; b++)
        {
            var block = graph.Blocks[b];
            if (watched.TryGetValue(b, out var arms))
            {
                // What reaching the jump proves comes with either arm; a block that is only its jump needs no probe of its own.
                var reached = decodedFunction.Proven(b, includeOwn: true);
                AddProbe(block.BranchAddress, arms, new BranchProbe(
                    block.Condition,
                    graph.Blocks[block.Successors[0]].Start,
                    graph.Blocks[block.Successors[1]].Start,
                    [.. reached, decodedFunction.ArmFact(b, 0)],
                    [.. reached, decodedFunction.ArmFact(b, 1)]));
                if (block.BranchAddress == block.Start)
                {
                    continue;
                }
            }
            if (decodedFunction.Probed[b])
            {
                AddProbe(block.Start, decodedFunction.Proven(b, includeOwn: true), null);
            }
        }
    }

    private void AddProbe(ulong address, int[] facts, BranchProbe? branch)
    {
        _addresses.Add(address);
        _groupFacts.Add(facts);
        _branchProbes.Add(branch);
    }

    /// <summary>
    /// The branch points of a decoded function: each conditional jump on a wanted line with two distinct successors, left
    /// out when it is the compiler's (<see cref="CompilerChecks"/>) unless all branches are wanted. Arms whose target has
    /// the jump as its only way in become facts of that block; the others are returned, by block, for a branch probe.
    /// A jump the flags do not decide (<c>jrcxz</c>, <c>loop</c>) and whose arms need a probe is left out: it could not be told.
    /// </summary>
    private Dictionary<int, int[]> AddBranches(FunctionGraph graph, DecodedFunction function, List<AddressRange> ranges, ReadOnlySpan<LineRow> rows)
    {
        var watched = new Dictionary<int, int[]>();
        for (var b = 0; b < graph.Blocks.Count; b++)
        {
            var block = graph.Blocks[b];
            if (block.Exit != BlockExit.Branch || block.Successors.Length != 2)
            {
                continue;
            }
            var rangeStart = ranges.First(r => r.Contains(block.BranchAddress)).Start;
            if (LineOf(rows, block.BranchAddress, rangeStart) is not { } line
                || (_compilerChecks?.IsCompilers(graph, b) ?? false))
            {
                continue;
            }
            // The entry block is also entered by every call, a block the jump itself is in by looping round.
            bool OnlyThrough(int target) => target != 0 && target != b && graph.Predecessors[target].Length == 1;
            var shared = block.Successors.Where(t => !OnlyThrough(t)).ToList();
            if (shared.Count > 0 && block.Condition < 0)
            {
                continue;
            }
            var point = _branchPoints.Count;
            _branchPoints.Add(new BranchPoint(line.File, line.Line, block.BranchAddress));
            function.Arms[b] = [ArmBase + 2 * point, ArmBase + 2 * point + 1];
            var arms = new List<int>();
            for (var arm = 0; arm < 2; arm++)
            {
                var target = block.Successors[arm];
                if (OnlyThrough(target))
                {
                    function.Reaching[target] = [.. function.Reaching[target], function.Arms[b][arm]];
                }
                else
                {
                    arms.Add(function.Arms[b][arm]);
                }
            }
            if (arms.Count > 0)
            {
                watched[b] = [.. arms];
            }
        }
        return watched;
    }

    /// <summary>The wanted line a jump is on: the first wanted row at the last row address at or before it (in its range).</summary>
    private (int File, int Line)? LineOf(ReadOnlySpan<LineRow> rows, ulong address, ulong rangeStart)
    {
        var last = LastRowAtOrBefore(rows, address);
        if (last < 0 || rows[last].Address < rangeStart || rows[last].IsEndSequence)
        {
            return null;
        }
        var first = last;
        while (first > 0 && rows[first - 1].Address == rows[last].Address)
        {
            first--;
        }
        for (var i = first; i <= last; i++)
        {
            if (IsWanted(rows[i]))
            {
                return (rows[i].File, rows[i].Line);
            }
        }
        return null;
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

    /// <summary>
    /// A decoded function: its graph, the line facts of each block, which blocks have probes, its entered fact, and with
    /// branches the arm facts of each branching block and the arm facts proven by reaching each block (arms into it).
    /// </summary>
    private sealed class DecodedFunction(FunctionGraph graph, int[][] lines)
    {
        public int[][] Lines { get; } = lines;

        public bool[] Probed { get; } = new bool[lines.Length];

        public int EnteredFact { get; set; }

        /// <summary>Per block ending in a branch point: its arm facts (taken, fall-through); else empty.</summary>
        public int[][] Arms { get; } = [.. lines.Select(_ => Array.Empty<int>())];

        /// <summary>Per block: the arms whose only way on is into this block, so that reaching it proves them.</summary>
        public int[][] Reaching { get; } = [.. lines.Select(_ => Array.Empty<int>())];

        public int ArmFact(int block, int arm) => Arms[block][arm];

        public void RemapArms(Func<int, int> remap)
        {
            for (var b = 0; b < Arms.Length; b++)
            {
                Arms[b] = [.. Arms[b].Select(remap)];
                Reaching[b] = [.. Reaching[b].Select(remap)];
            }
        }

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
                facts.UnionWith(Reaching[block]);
            }
            for (var b = graph.Parent[block]; b >= 0 && !Probed[b]; b = graph.Parent[b])
            {
                facts.UnionWith(Lines[b]);
                facts.UnionWith(Reaching[b]);
            }
            return [.. facts];
        }
    }
}
