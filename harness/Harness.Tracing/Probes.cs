namespace Harness.Tracing;

/// <summary>
/// The breakpoints to place in one image (executable or shared library), as link-time addresses of the file,
/// grouped, and what hitting a group proves: a set of <em>facts</em> (source lines, functions entered: the
/// planner's business, opaque here). A group is done once every fact it could prove is known; its breakpoints are
/// then removed in the same write, so traps ≤ groups whose facts were still open. Line coverage one line at a time
/// is the simplest case: one group per line, each proving its own line (the default, <c>facts == null</c>).
/// </summary>
public sealed class ProbeSet
{
    private readonly int[] _groupStarts;
    private readonly int[] _byGroup;
    private readonly int[] _factStarts;
    private readonly int[] _facts;
    private readonly int[] _factGroupStarts;
    private readonly int[] _groupsByFact;

    /// <param name="addresses">Instruction-start addresses (the file's own, before load bias).</param>
    /// <param name="groups">For each address, its group in [0, groupCount).</param>
    /// <param name="groupCount">Number of groups.</param>
    public ProbeSet(ulong[] addresses, int[] groups, int groupCount)
        : this(addresses, groups, groupCount, null, groupCount)
    {
    }

    /// <param name="addresses">Instruction-start addresses (the file's own, before load bias).</param>
    /// <param name="groups">For each address, its group in [0, groupCount).</param>
    /// <param name="groupCount">Number of groups.</param>
    /// <param name="facts">For each group, the facts in [0, factCount) a hit of it proves; null: group g proves fact g.</param>
    /// <param name="factCount">Number of facts.</param>
    public ProbeSet(ulong[] addresses, int[] groups, int groupCount, int[][]? facts, int factCount)
    {
        if (addresses.Length != groups.Length)
        {
            throw new ArgumentException("one group per address", nameof(groups));
        }
        if (facts is not null && facts.Length != groupCount)
        {
            throw new ArgumentException("one fact list per group", nameof(facts));
        }
        Addresses = addresses;
        Groups = groups;
        GroupCount = groupCount;
        FactCount = factCount;
        (_groupStarts, _byGroup) = Invert(groups, groupCount, nameof(groups));
        facts ??= [.. Enumerable.Range(0, groupCount).Select(g => new[] { g })];
        _factStarts = new int[groupCount + 1];
        for (var g = 0; g < groupCount; g++)
        {
            _factStarts[g + 1] = _factStarts[g] + facts[g].Length;
        }
        _facts = [.. facts.SelectMany(f => f)];
        var owners = new int[_facts.Length];
        for (var g = 0; g < groupCount; g++)
        {
            Array.Fill(owners, g, _factStarts[g], facts[g].Length);
        }
        // Facts → groups that list them, for "which groups are done now that this fact is known".
        var byFact = new int[_facts.Length];
        for (var i = 0; i < _facts.Length; i++)
        {
            byFact[i] = _facts[i];
        }
        (_factGroupStarts, var order) = Invert(byFact, factCount, nameof(facts));
        _groupsByFact = [.. order.Select(i => owners[i])];
    }

    public ulong[] Addresses { get; }

    public int[] Groups { get; }

    public int GroupCount { get; }

    public int FactCount { get; }

    /// <summary>
    /// What a thread stopped at an address of this image (by a signal, alive or about to die) proves it ran: given the
    /// link-time address and whether the instruction there started (a fault) or is only next, the facts proven (empty when the
    /// address is none of its code). Null when the planner cannot tell (line-by-line probes need none: every line start is a probe).
    /// </summary>
    public Func<ulong, bool, IReadOnlyList<int>>? FactsReachedAt { get; init; }

    /// <summary>
    /// Per probe (index into <see cref="Addresses"/>): the branch it watches when it is a <see cref="BranchProbe"/>, else
    /// null; null altogether when the set has no branch probes. Its group lists only the facts that make it useless.
    /// </summary>
    public BranchProbe?[]? Branches { get; init; }

    /// <summary>Indices into <see cref="Addresses"/> of the probes of one group.</summary>
    public ReadOnlySpan<int> ProbesOf(int group) => _byGroup.AsSpan(_groupStarts[group], _groupStarts[group + 1] - _groupStarts[group]);

    /// <summary>The facts a hit of the group proves.</summary>
    public ReadOnlySpan<int> FactsOf(int group) => _facts.AsSpan(_factStarts[group], _factStarts[group + 1] - _factStarts[group]);

    /// <summary>The groups that list a fact.</summary>
    public ReadOnlySpan<int> GroupsOf(int fact) => _groupsByFact.AsSpan(_factGroupStarts[fact], _factGroupStarts[fact + 1] - _factGroupStarts[fact]);

    /// <summary>Counting sort of indices by key: starts per key, then the indices in key order.</summary>
    private static (int[] Starts, int[] Order) Invert(int[] keys, int keyCount, string name)
    {
        var starts = new int[keyCount + 1];
        foreach (var key in keys)
        {
            if ((uint)key >= (uint)keyCount)
            {
                throw new ArgumentOutOfRangeException(name, $"{key} outside [0, {keyCount})");
            }
            starts[key + 1]++;
        }
        for (var k = 0; k < keyCount; k++)
        {
            starts[k + 1] += starts[k];
        }
        var order = new int[keys.Length];
        var next = (int[])starts.Clone();
        for (var i = 0; i < keys.Length; i++)
        {
            order[next[keys[i]]++] = i;
        }
        return (starts, order);
    }
}

/// <summary>
/// One image's probes and which facts are known, shared by every traced process that maps the image (forked
/// children, re-executions): their hits merge here. Facts known before the run (earlier processes of the same
/// binary) are given at creation: their groups are never inserted.
/// </summary>
public sealed class ImageProbes
{
    private readonly bool[] _known;
    private readonly int[] _open;
    private readonly List<int> _done = [];

    public ImageProbes(string path, ProbeSet probes, bool[]? knownBefore = null)
    {
        Path = path;
        Probes = probes;
        _known = new bool[probes.FactCount];
        _open = new int[probes.GroupCount];
        for (var g = 0; g < probes.GroupCount; g++)
        {
            _open[g] = probes.FactsOf(g).Length;
        }
        if (knownBefore is not null)
        {
            for (var f = 0; f < Math.Min(knownBefore.Length, _known.Length); f++)
            {
                if (knownBefore[f])
                {
                    Learn(f);
                }
            }
            _done.Clear();
        }
        // Hits of this run only: facts known before do not count.
        HitCount = 0;
    }

    public string Path { get; }

    public ProbeSet Probes { get; }

    /// <summary>Facts learnt in this run.</summary>
    public int HitCount { get; private set; }

    /// <summary>Whether every fact of a group is known, so its probes are useless.</summary>
    public bool IsDone(int group) => _open[group] == 0;

    /// <summary>Whether a fact is known.</summary>
    public bool IsHit(int fact) => _known[fact];

    /// <summary>
    /// A group was hit: learns its facts. Returns the groups done by it (the group itself when it had open facts, and
    /// every other group whose last open fact it proved), whose probes the caller removes; valid until the next call.
    /// </summary>
    internal List<int> MarkHit(int group)
    {
        _done.Clear();
        foreach (var fact in Probes.FactsOf(group))
        {
            Learn(fact);
        }
        return _done;
    }

    /// <summary>Learns facts proven otherwise (a thread stopped inside the image); returns the groups done by them.</summary>
    internal List<int> MarkKnown(IReadOnlyList<int> facts)
    {
        _done.Clear();
        foreach (var fact in facts)
        {
            if ((uint)fact < (uint)_known.Length)
            {
                Learn(fact);
            }
        }
        return _done;
    }

    /// <summary>A copy of the known flags, one per fact.</summary>
    public bool[] SnapshotHits() => (bool[])_known.Clone();

    private void Learn(int fact)
    {
        if (_known[fact])
        {
            return;
        }
        _known[fact] = true;
        HitCount++;
        foreach (var group in Probes.GroupsOf(fact))
        {
            if (--_open[group] == 0)
            {
                _done.Add(group);
            }
        }
    }
}

/// <summary>Decides what to probe in each image a traced program maps (the coverage layer implements it).</summary>
public interface IProbePlanner
{
    /// <summary>The probes for an image, or null to leave it alone. Called on the tracer thread; keep it quick and cache by path.</summary>
    ProbeSet? Plan(string imagePath);

    /// <summary>Facts of an image already known before this run (earlier processes), whose probes need not be inserted; null for none.</summary>
    bool[]? KnownBefore(string imagePath) => null;
}

/// <summary>Plans no breakpoints anywhere: for runs that only sample (profiling without coverage).</summary>
public sealed class NoProbes : IProbePlanner
{
    public static NoProbes Instance { get; } = new();

    public ProbeSet? Plan(string imagePath) => null;
}
