using Harness.Symbols;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Plans line coverage: for each image a traced program maps, the statement addresses (is_stmt, line ≠ 0)
/// of its selected source lines, one probe group per line; then turns the groups hit into a report.
/// Images without debug information, or with no selected source, get no probes.
/// </summary>
public sealed class CoveragePlanner(SourceSelection selection) : IProbePlanner
{
    private readonly Dictionary<string, ImagePlan?> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> _exclusions = new(StringComparer.Ordinal);

    private readonly HashSet<string> _named = new(StringComparer.Ordinal);

    /// <summary>Images that give no coverage, each with the reason (reported, never fatal).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>
    /// An image the user named (the program of <c>harness cover</c>, a test binary): when it has no usable line
    /// information, that is always reported, even for a system path whose libraries are otherwise passed over in
    /// silence (<c>harness cover -- /usr/bin/true</c> must say why it found nothing).
    /// </summary>
    public void Named(string imagePath)
    {
        lock (_plans)
        {
            _named.Add(imagePath);
            if (File.ResolveLinkTarget(imagePath, returnFinalTarget: true) is { } target)
            {
                _named.Add(target.FullName);
            }
        }
    }

    /// <summary>Plans are made once per image and shared by every traced process, from any thread.</summary>
    public ProbeSet? Plan(string imagePath)
    {
        lock (_plans)
        {
            if (!_plans.TryGetValue(imagePath, out var plan))
            {
                plan = Build(imagePath);
                _plans[imagePath] = plan;
            }
            return plan?.Probes;
        }
    }

    /// <summary>Plans an image before (or without) running it, so its lines count even if it never loads.</summary>
    public void Preload(string imagePath) => Plan(imagePath);

    /// <summary>The report: every planned line, hit or not, merged by file across images.</summary>
    public CoverageReport Report(IReadOnlyList<ImageProbes> traced) =>
        Report(traced.GroupBy(i => i.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Union(g.Select(i => i.SnapshotHits())), StringComparer.Ordinal));

    /// <summary>The report from hit groups per image path (many traced runs merged: a group is hit when any run hit it).</summary>
    public CoverageReport Report(IReadOnlyDictionary<string, bool[]> hits)
    {
        var lines = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        var functions = new Dictionary<string, Dictionary<(string, int), FunctionCoverage>>(StringComparer.Ordinal);
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        List<(string, ImagePlan?)> plans;
        lock (_plans)
        {
            plans = [.. _plans.Select(p => (p.Key, p.Value))];
        }
        foreach (var (path, plan) in plans)
        {
            if (plan is null)
            {
                continue;
            }
            hits.TryGetValue(path, out var image);
            plan.AddTo(image, lines, functions, modules);
        }
        var files = lines.Keys.Order(StringComparer.Ordinal).Select(file => new FileCoverage(
            file,
            modules[file],
            [.. lines[file].OrderBy(l => l.Key).Select(l => new LineCoverage(l.Key, l.Value))],
            functions.TryGetValue(file, out var fs) ? [.. fs.Values.OrderBy(f => f.Line).ThenBy(f => f.Name, StringComparer.Ordinal)] : []))
            .ToList();
        return new CoverageReport(files, DateTimeOffset.UtcNow);
    }

    /// <summary>The source line a probe group of an image stands for, and the lines aliased to it.</summary>
    public IEnumerable<(string File, int Line)> LinesOf(string imagePath, int group)
    {
        ImagePlan? plan;
        lock (_plans)
        {
            _plans.TryGetValue(imagePath, out plan);
        }
        if (plan is null || group >= plan.Lines.Length)
        {
            yield break;
        }
        yield return (plan.Map.Files[plan.Lines[group].File], plan.Lines[group].Line);
        foreach (var (owner, alias) in plan.Aliases)
        {
            if (owner == group)
            {
                yield return (plan.Map.Files[plan.Lines[alias].File], plan.Lines[alias].Line);
            }
        }
    }

    /// <summary>Merges hit flags of one image from several runs.</summary>
    public static bool[] Union(IEnumerable<bool[]> runs)
    {
        bool[]? merged = null;
        foreach (var run in runs)
        {
            merged ??= new bool[run.Length];
            for (var i = 0; i < Math.Min(run.Length, merged.Length); i++)
            {
                merged[i] |= run[i];
            }
        }
        return merged ?? [];
    }

    private ImagePlan? Build(string imagePath)
    {
        SourceMap map;
        try
        {
            map = SourceMap.Load(imagePath, selection.IsSelected);
        }
        catch (SymbolReadException e)
        {
            // Libraries without debug information (libc, libstdc++) are the common case: say nothing for
            // system files, but tell the user when one of their own images could not be read.
            if (_named.Contains(imagePath) || !IsSystemPath(imagePath))
            {
                Warnings.Add($"{imagePath}: no coverage from it: {e.Problem}");
            }
            return null;
        }
        var selectedFiles = new bool[map.Files.Count];
        var any = false;
        for (var i = 0; i < map.Files.Count; i++)
        {
            selectedFiles[i] = selection.IsSelected(map.Files[i]);
            any |= selectedFiles[i];
        }
        if (!any)
        {
            // A line table of toolchain files only (a Rust binary built with debuginfo=0 still carries std's) is no
            // line information for the user's code. Only said for the default selection: with --include, leaving an
            // image's files out is what the user asked for.
            if (selection.IsDefault && (_named.Contains(imagePath) || !IsSystemPath(imagePath)))
            {
                Warnings.Add($"{imagePath}: no coverage from it: no line information for any of its own source files "
                    + "(only toolchain or system files, or sources not on disk): built without -g?");
            }
            return null;
        }

        var groups = new Dictionary<(int File, int Line), int>();
        var addresses = new List<ulong>();
        var groupOf = new List<int>();
        var aliases = new List<(int Owner, int Alias)>();
        ulong previous = ulong.MaxValue;
        var generated = GeneratedCode.Ranges(map);
        foreach (var row in map.Rows)
        {
            if (!row.IsStatement || row.IsEndSequence || row.Line == 0 || row.File < 0 || !selectedFiles[row.File])
            {
                continue;
            }
            if (generated.Count > 0 && generated.Exists(r => r.Contains(row.Address)))
            {
                continue;
            }
            if (IsExcluded(map.Files[row.File], row.Line))
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
        return new ImagePlan(imagePath, map, selectedFiles, lines, [.. aliases], new ProbeSet([.. addresses], [.. groupOf], groups.Count)) { Generated = generated };
    }

    private static bool IsSystemPath(string path) =>
        path.StartsWith("/usr/", StringComparison.Ordinal) || path.StartsWith("/lib", StringComparison.Ordinal);

    private bool IsExcluded(string file, int line)
    {
        if (!_exclusions.TryGetValue(file, out var excluded))
        {
            excluded = ExclusionMarkers.Read(file);
            _exclusions[file] = excluded;
        }
        return excluded.Contains(line);
    }

    private static bool IsInlined(Function function, ulong address)
    {
        foreach (var call in function.Inlines)
        {
            if (call.Depth != 1)
            {
                continue;
            }
            foreach (var range in call.Ranges)
            {
                if (range.Contains(address))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>One image's probes and how to read its hits back as lines and functions.</summary>
    private sealed record ImagePlan(string Path, SourceMap Map, bool[] SelectedFiles, (int File, int Line)[] Lines, (int Owner, int Alias)[] Aliases, ProbeSet Probes)
    {
        /// <summary>Code ranges of compiler-generated functions (<see cref="GeneratedCode"/>): no lines, no function.</summary>
        public List<AddressRange> Generated { get; init; } = [];

        private bool[] HitGroups(bool[]? image)
        {
            var hit = image is { Length: > 0 } ? (bool[])image.Clone() : new bool[Lines.Length];
            foreach (var (owner, alias) in Aliases)
            {
                hit[alias] |= hit[owner];
            }
            return hit;
        }

        public void AddTo(
            bool[]? image,
            Dictionary<string, Dictionary<int, long>> lines,
            Dictionary<string, Dictionary<(string, int), FunctionCoverage>> functions,
            Dictionary<string, string> modules)
        {
            var module = System.IO.Path.GetFileName(Path);
            var hits = HitGroups(image);
            for (var group = 0; group < Lines.Length; group++)
            {
                var (fileIndex, line) = Lines[group];
                var file = Map.Files[fileIndex];
                modules.TryAdd(file, module);
                if (!lines.TryGetValue(file, out var fileLines))
                {
                    lines[file] = fileLines = [];
                }
                var hit = hits[group] ? 1L : 0L;
                fileLines[line] = Math.Max(fileLines.GetValueOrDefault(line), hit);
            }

            // A function ran when any of its probed lines did; its span is the lines its code maps to.
            var span = new Dictionary<Function, (int First, int Last, bool Hit)>(ReferenceEqualityComparer.Instance);
            for (var probe = 0; probe < Probes.Addresses.Length; probe++)
            {
                if (Map.FunctionAt(Probes.Addresses[probe]) is not { } function)
                {
                    continue;
                }
                var group = Probes.Groups[probe];
                var hit = hits[group];
                // Only the function's own lines give its extent: code inlined into it from elsewhere (another file, or
                // a helper far down this one) made spans of thousands of lines, and every line inside a method's span
                // is written again under that method in Cobertura (18 MB for a 20k-line binary).
                var extends = Lines[group].File == function.DeclFile && !IsInlined(function, Probes.Addresses[probe]);
                var line = Lines[group].Line;
                span[function] = span.TryGetValue(function, out var s)
                    ? (extends ? Math.Min(s.First, line) : s.First, extends ? Math.Max(s.Last, line) : s.Last, s.Hit || hit)
                    : (extends ? line : int.MaxValue, extends ? line : int.MinValue, hit);
            }
            foreach (var function in Map.Functions)
            {
                if (function.DeclFile < 0 || !SelectedFiles[function.DeclFile])
                {
                    continue;
                }
                if (function.HasCode && Generated.Exists(r => function.Ranges.Contains(r)))
                {
                    continue;
                }
                var file = Map.Files[function.DeclFile];
                var (first, last, hit) = span.TryGetValue(function, out var s) ? s : (function.DeclLine, function.DeclLine, false);
                if (first > last)
                {
                    (first, last) = (function.DeclLine, function.DeclLine);
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
}
