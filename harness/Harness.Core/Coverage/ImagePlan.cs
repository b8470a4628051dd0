using Harness.Symbols;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// One image's probes and how to read its known facts back as lines and functions. Facts
/// [0, <see cref="Lines"/>.Length) are source lines; the facts after them, when there are any, are "function entered"
/// facts, one per entry of <see cref="Entered"/>. 
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
