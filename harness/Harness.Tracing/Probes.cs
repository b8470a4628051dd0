namespace Harness.Tracing;

/// <summary>
/// The breakpoints to place in one image (executable or shared library), as link-time addresses of the
/// file, grouped: the first hit of any address of a group (a source line) removes the group's other
/// breakpoints in the same write, so traps ≤ groups rather than ≤ addresses.
/// </summary>
public sealed class ProbeSet
{
    private readonly int[] _groupStarts;
    private readonly int[] _byGroup;

    /// <param name="addresses">Instruction-start addresses (the file's own, before load bias).</param>
    /// <param name="groups">For each address, its group in [0, groupCount).</param>
    /// <param name="groupCount">Number of groups.</param>
    public ProbeSet(ulong[] addresses, int[] groups, int groupCount)
    {
        if (addresses.Length != groups.Length)
        {
            throw new ArgumentException("one group per address", nameof(groups));
        }
        Addresses = addresses;
        Groups = groups;
        GroupCount = groupCount;
        _groupStarts = new int[groupCount + 1];
        foreach (var group in groups)
        {
            if ((uint)group >= (uint)groupCount)
            {
                throw new ArgumentOutOfRangeException(nameof(groups), $"group {group} outside [0, {groupCount})");
            }
            _groupStarts[group + 1]++;
        }
        for (var g = 0; g < groupCount; g++)
        {
            _groupStarts[g + 1] += _groupStarts[g];
        }
        _byGroup = new int[addresses.Length];
        var next = (int[])_groupStarts.Clone();
        for (var i = 0; i < groups.Length; i++)
        {
            _byGroup[next[groups[i]]++] = i;
        }
    }

    public ulong[] Addresses { get; }

    public int[] Groups { get; }

    public int GroupCount { get; }

    /// <summary>Indices into <see cref="Addresses"/> of the probes of one group.</summary>
    public ReadOnlySpan<int> ProbesOf(int group) => _byGroup.AsSpan(_groupStarts[group], _groupStarts[group + 1] - _groupStarts[group]);
}

/// <summary>
/// One image's probes and which groups were hit, shared by every traced process that maps the image
/// (forked children, re-executions): their hits merge here.
/// </summary>
public sealed class ImageProbes(string path, ProbeSet probes)
{
    private readonly bool[] _hit = new bool[probes.GroupCount];

    public string Path { get; } = path;

    public ProbeSet Probes { get; } = probes;

    public int HitCount { get; private set; }

    public bool IsHit(int group) => _hit[group];

    /// <summary>Marks a group hit; false when it already was.</summary>
    internal bool MarkHit(int group)
    {
        if (_hit[group])
        {
            return false;
        }
        _hit[group] = true;
        HitCount++;
        return true;
    }

    /// <summary>A copy of the hit flags, one per group.</summary>
    public bool[] SnapshotHits() => (bool[])_hit.Clone();
}

/// <summary>Decides what to probe in each image a traced program maps (the coverage layer implements it).</summary>
public interface IProbePlanner
{
    /// <summary>The probes for an image, or null to leave it alone. Called on the tracer thread; keep it quick and cache by path.</summary>
    ProbeSet? Plan(string imagePath);
}

/// <summary>Plans no breakpoints anywhere: for runs that only sample (profiling without coverage).</summary>
public sealed class NoProbes : IProbePlanner
{
    public static NoProbes Instance { get; } = new();

    public ProbeSet? Plan(string imagePath) => null;
}
