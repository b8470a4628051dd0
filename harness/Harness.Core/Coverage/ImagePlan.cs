using Harness.Symbols;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// One image's probes and how to read its known facts back as lines, functions and branches. Facts
/// [0, <see cref="Lines"/>.Length) are source lines; the facts after them, when there are any, are "function entered"
/// facts, one per entry of <see cref="Entered"/>, then two per entry of <see cref="Branches"/> (its taken arm, then its
/// fall-through).
/// </summary>
/// <param name="Path">The image.</param>
/// <param name="Map">Its source map.</param>
/// <param name="SelectedFiles">Per file of the map: selected for coverage.</param>
/// <param name="Lines">The line of each line fact.</param>
/// <param name="Entered">Block mode: the function of each "entered" fact (fact index Lines.Length + i).</param>
/// <param name="FunctionLines">The line facts of each function's code, for its span and, without an entered fact, its hit.</param>
/// <param name="Probes">What the tracer inserts.</param>
internal sealed record ImagePlan(
    string Path,
    SourceMap Map,
    bool[] SelectedFiles,
    (int File, int Line)[] Lines,
    Function[] Entered,
    Dictionary<Function, List<int>> FunctionLines,
    ProbeSet Probes)
{
    /// <summary>Block mode: functions decoded into blocks, and those left to line probes (undecodable).</summary>
    public int DecodedFunctions { get; init; }

    public int LineProbedFunctions { get; init; }

    /// <summary>Code ranges of compiler-generated functions (<see cref="GeneratedCode"/>): no lines, no function.</summary>
    public IReadOnlyList<AddressRange> Generated { get; init; } = [];

    /// <summary>With branch coverage: the conditional jumps planned, each with two arm facts after the entered facts.</summary>
    public BranchPoint[] Branches { get; init; } = [];

    /// <summary>
    /// Adds the image's branch points to the lines they are on: on each line, in address order, branch point k of the line
    /// (after those other images put there) with arm 0 = jump taken and arm 1 = fall-through. An arm is taken when it was
    /// proven; when neither arm is, the jump never ran and both are unknown (LCOV's <c>-</c>).
    /// </summary>
    public void AddBranchesTo(bool[]? image, Dictionary<string, Dictionary<int, List<BranchArm>>> branches)
    {
        var armStart = Lines.Length + Entered.Length;
        bool Known(int fact) => image is not null && fact < image.Length && image[fact];
        foreach (var point in Enumerable.Range(0, Branches.Length).OrderBy(i => Branches[i].Address))
        {
            var (fileIndex, line, _) = Branches[point];
            var file = Map.Files[fileIndex];
            if (!branches.TryGetValue(file, out var fileBranches))
            {
                branches[file] = fileBranches = [];
            }
            if (!fileBranches.TryGetValue(line, out var arms))
            {
                fileBranches[line] = arms = [];
            }
            var block = arms.Count / 2;
            bool taken = Known(armStart + 2 * point), fallThrough = Known(armStart + 2 * point + 1);
            var ran = taken || fallThrough;
            arms.Add(new BranchArm(block, 0, ran ? (taken ? 1 : 0) : null));
            arms.Add(new BranchArm(block, 1, ran ? (fallThrough ? 1 : 0) : null));
        }
    }

    private bool[] KnownLines(bool[]? image)
    {
        var hit = new bool[Lines.Length];
        if (image is not null)
        {
            Array.Copy(image, hit, Math.Min(image.Length, hit.Length));
        }
        return hit;
    }

    /// <summary>The source line a fact stands for (nothing for an entered fact).</summary>
    public IEnumerable<(string File, int Line)> LinesOf(int fact)
    {
        if (fact < Lines.Length)
        {
            yield return (Map.Files[Lines[fact].File], Lines[fact].Line);
        }
    }

    public void AddTo(
        bool[]? image,
        Dictionary<string, Dictionary<int, long>> lines,
        Dictionary<string, Dictionary<(string, int), FunctionCoverage>> functions,
        Dictionary<string, string> modules)
    {
        var module = System.IO.Path.GetFileName(Path);
        var hits = KnownLines(image);
        for (var fact = 0; fact < Lines.Length; fact++)
        {
            var (fileIndex, line) = Lines[fact];
            var file = Map.Files[fileIndex];
            modules.TryAdd(file, module);
            if (!lines.TryGetValue(file, out var fileLines))
            {
                lines[file] = fileLines = [];
            }
            var hit = hits[fact] ? 1L : 0L;
            fileLines[line] = Math.Max(fileLines.GetValueOrDefault(line), hit);
        }

        var entered = new Dictionary<Function, bool>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < Entered.Length; i++)
        {
            var fact = Lines.Length + i;
            entered[Entered[i]] = image is not null && fact < image.Length && image[fact];
        }
        foreach (var function in Map.Functions)
        {
            if (function.DeclFile < 0 || !SelectedFiles[function.DeclFile])
            {
                continue;
            }
            if (function.HasCode && Generated.Any(r => function.Ranges.Contains(r)))
            {
                continue;
            }
            var file = Map.Files[function.DeclFile];
            var (first, last, hit) = (function.DeclLine, function.DeclLine, false);
            if (FunctionLines.TryGetValue(function, out var facts) && facts.Count > 0)
            {
                (first, last) = (int.MaxValue, int.MinValue);
                foreach (var fact in facts)
                {
                    var (lineFile, line) = Lines[fact];
                    hit |= hits[fact];
                    if (lineFile == function.DeclFile)
                    {
                        (first, last) = (Math.Min(first, line), Math.Max(last, line));
                    }
                }
                if (first > last)
                {
                    (first, last) = (function.DeclLine, function.DeclLine);
                }
            }
            // A function ran when its entry was reached (block mode), else when any of its probed lines did.
            if (entered.TryGetValue(function, out var reached))
            {
                hit = reached;
            }
            var start = function.DeclLine > 0 ? Math.Min(function.DeclLine, first) : first;
            if (start <= 0)
            {
                continue;
            }
            modules.TryAdd(file, module);
            if (!functions.TryGetValue(file, out var fileFunctions))
            {
                functions[file] = fileFunctions = [];
            }
            var key = (function.Name, start);
            var coverage = new FunctionCoverage(function.Name, start, Math.Max(start, last), hit ? 1 : 0, function.HasCode);
            fileFunctions[key] = fileFunctions.TryGetValue(key, out var existing)
                ? existing with { Hits = Math.Max(existing.Hits, coverage.Hits), HasCode = existing.HasCode || coverage.HasCode, EndLine = Math.Max(existing.EndLine, coverage.EndLine) }
                : coverage;
        }
    }
}

/// <summary>A conditional jump whose arms are coverage facts.</summary>
/// <param name="File">Index into the map's files of the line it is on.</param>
/// <param name="Line">That line.</param>
/// <param name="Address">The jump's link-time address (orders the branch points of a line).</param>
internal readonly record struct BranchPoint(int File, int Line, ulong Address);
