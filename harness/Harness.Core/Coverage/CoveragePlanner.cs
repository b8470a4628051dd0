using Harness.Symbols;
using Harness.Tracing;

namespace Harness.Core.Coverage;

/// <summary>
/// Plans line coverage for each image a traced program maps — by basic blocks (<see cref="ProbeMode.Blocks"/>,
/// <see cref="BlockPlanBuilder"/>) or by lines (<see cref="ProbeMode.Lines"/>, <see cref="LinePlanBuilder"/>) — then turns
/// the facts known into a report. Images without debug information, or with no selected source, get no probes.
/// </summary>
public sealed class CoveragePlanner : IProbePlanner
{
    private readonly SourceSelection _selection;

    /// <param name="selection">The source files to cover.</param>
    /// <param name="mode">Where line probes go.</param>
    /// <param name="branches">Whether to cover branches too: they need the decoded blocks, so they imply <see cref="ProbeMode.Blocks"/>.</param>
    public CoveragePlanner(SourceSelection selection, ProbeMode mode = ProbeMode.Lines, BranchCoverage branches = BranchCoverage.Off)
    {
        _selection = selection;
        Branches = branches;
        Mode = branches == BranchCoverage.Off ? mode : ProbeMode.Blocks;
        if (Mode == ProbeMode.Blocks)
        {
            // Overlaps the decoder's one-time compilation with the launch and the line-table load.
            ThreadPool.UnsafeQueueUserWorkItem(_ => Harness.Symbols.ControlFlow.FunctionGraph.WarmUp(), null);
        }
    }

    private readonly Dictionary<string, ImagePlan?> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> _exclusions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool[]> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _named = new(StringComparer.Ordinal);

    /// <summary>Images that give no coverage, each with the reason (reported, never fatal).</summary>
    public List<string> Warnings { get; } = [];

    public ProbeMode Mode { get; }

    public BranchCoverage Branches { get; }

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

    /// <summary>Facts proven by earlier processes (see <see cref="Remember"/>): a later process needs no probe for them.</summary>
    public bool[]? KnownBefore(string imagePath)
    {
        lock (_known)
        {
            return _known.TryGetValue(imagePath, out var known) ? (bool[])known.Clone() : null;
        }
    }

    /// <summary>
    /// Keeps the facts a finished process proved, so the processes traced after it skip their probes (traps ≈ the union
    /// of lines over a test run, not their sum). Not for per-test coverage, which needs every test's own hits.
    /// </summary>
    public void Remember(IReadOnlyList<ImageProbes> images)
    {
        lock (_known)
        {
            foreach (var image in images)
            {
                var hits = image.SnapshotHits();
                _known[image.Path] = _known.TryGetValue(image.Path, out var merged) ? Union([merged, hits]) : hits;
            }
        }
    }

    /// <summary>Plans an image before (or without) running it, so its lines count even if it never loads.</summary>
    public void Preload(string imagePath) => Plan(imagePath);

    /// <summary>Block mode: functions decoded into blocks and functions left to line probes, over every image planned.</summary>
    public (int Decoded, int LineProbed) FunctionCounts()
    {
        lock (_plans)
        {
            return (_plans.Values.Sum(p => p?.DecodedFunctions ?? 0), _plans.Values.Sum(p => p?.LineProbedFunctions ?? 0));
        }
    }

    /// <summary>The report: every planned line, hit or not, merged by file across images.</summary>
    public CoverageReport Report(IReadOnlyList<ImageProbes> traced) =>
        Report(traced.GroupBy(i => i.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Union(g.Select(i => i.SnapshotHits())), StringComparer.Ordinal));

    /// <summary>The report from known facts per image path (many traced runs merged: a fact is known when any run proved it).</summary>
    public CoverageReport Report(IReadOnlyDictionary<string, bool[]> hits)
    {
        var lines = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        var functions = new Dictionary<string, Dictionary<(string, int), FunctionCoverage>>(StringComparer.Ordinal);
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        var branches = new Dictionary<string, Dictionary<int, List<BranchArm>>>(StringComparer.Ordinal);
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
            plan.AddBranchesTo(image, branches);
        }
        var files = lines.Keys.Order(StringComparer.Ordinal).Select(file => new FileCoverage(
            file,
            modules[file],
            [.. lines[file].OrderBy(l => l.Key).Select(l => new LineCoverage(l.Key, l.Value, BranchesOf(branches, file, l.Key)))],
            functions.TryGetValue(file, out var fs) ? [.. fs.Values.OrderBy(f => f.Line).ThenBy(f => f.Name, StringComparer.Ordinal)] : []))
            .ToList();
        return new CoverageReport(files, DateTimeOffset.UtcNow);
    }

    private static IReadOnlyList<BranchArm>? BranchesOf(Dictionary<string, Dictionary<int, List<BranchArm>>> branches, string file, int line) =>
        branches.TryGetValue(file, out var lines) && lines.TryGetValue(line, out var arms) ? arms : null;

    /// <summary>The source lines a fact of an image stands for (a line and the lines aliased to it).</summary>
    public IEnumerable<(string File, int Line)> LinesOf(string imagePath, int fact)
    {
        ImagePlan? plan;
        lock (_plans)
        {
            _plans.TryGetValue(imagePath, out plan);
        }
        return plan?.LinesOf(fact) ?? [];
    }

    /// <summary>Merges known flags of one image from several runs.</summary>
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
            map = SourceMap.Load(imagePath, _selection.IsSelected);
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
            selectedFiles[i] = _selection.IsSelected(map.Files[i]);
            any |= selectedFiles[i];
        }
        if (!any)
        {
            // A line table of toolchain files only (a Rust binary built with debuginfo=0 still carries std's) is no
            // line information for the user's code. Only said for the default selection: with --include, leaving an
            // image's files out is what the user asked for.
            if (_selection.IsDefault && (_named.Contains(imagePath) || !IsSystemPath(imagePath)))
            {
                Warnings.Add($"{imagePath}: no coverage from it: no line information for any of its own source files "
                    + "(only toolchain or system files, or sources not on disk): built without -g?");
            }
            return null;
        }
        var generated = GeneratedCode.Ranges(map);
        var plan = Mode == ProbeMode.Lines
            ? LinePlanBuilder.Build(imagePath, map, selectedFiles, IsExcluded, generated)
            : BlockPlanBuilder.Build(imagePath, map, selectedFiles, IsExcluded, generated, Branches);
        return plan is null ? null : plan with { Generated = generated };
    }

    /// <summary>System libraries, and the Rust toolchain a traced <c>cargo test --doc</c> runs (rustup, cargo, rustdoc, rustc, LLVM, lld in the
    /// default rustup and cargo homes) on its way to the doctests' own programs.</summary>
    private static bool IsSystemPath(string path) =>
        path.StartsWith("/usr/", StringComparison.Ordinal) || path.StartsWith("/lib", StringComparison.Ordinal)
        || path.Contains("/.rustup/toolchains/", StringComparison.Ordinal) || path.Contains("/.cargo/bin/", StringComparison.Ordinal);

    private bool IsExcluded(string file, int line)
    {
        if (!_exclusions.TryGetValue(file, out var excluded))
        {
            excluded = ExclusionMarkers.Read(file);
            _exclusions[file] = excluded;
        }
        return excluded.Contains(line);
    }
}
