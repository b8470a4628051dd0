using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// One traced process's memory as the tracer sees it: every breakpoint site ever inserted (with the byte
/// it replaced), the images mapped in it, and the dynamic linker's rendezvous. Threads of a process and a
/// vfork child before its exec share one; a fork child gets a copy (<see cref="CloneForFork"/>).
/// </summary>
internal sealed class AddressSpace : IDisposable
{
    private const byte Int3 = 0xCC;
    private const int PageSize = 4096;

    /// <summary>
    /// Breakpoint sites by runtime address. Sites are never removed while their image is mapped, only
    /// marked not inserted: a second thread that trapped on a site the first one already restored must
    /// still be recognized (its rip is one past the address) and only rewound.
    /// </summary>
    private readonly Dictionary<ulong, Site> _sites;
    private readonly Dictionary<string, (ulong Bias, ImageProbes? Probes)> _images;

    public AddressSpace(int pid)
    {
        Pid = pid;
        Memory = new ProcessMemory(pid);
        _sites = [];
        _images = new Dictionary<string, (ulong, ImageProbes?)>(StringComparer.Ordinal);
    }

    private AddressSpace(int pid, AddressSpace parent)
    {
        Pid = pid;
        Memory = new ProcessMemory(pid);
        _sites = new Dictionary<ulong, Site>(parent._sites);
        _images = new Dictionary<string, (ulong, ImageProbes?)>(parent._images, StringComparer.Ordinal);
        Rendezvous = parent.Rendezvous;
        Executable = parent.Executable;
    }

    public int Pid { get; }

    public ProcessMemory Memory { get; }

    public RendezvousInfo? Rendezvous { get; set; }

    /// <summary>The executable this address space runs (set at its exec), which the library list leaves out.</summary>
    public string? Executable { get; set; }

    public int InsertedCount { get; private set; }

    /// <summary>The executable mappings, for the sampler's stack walks; null until first needed and after the mappings change.</summary>
    public CodeMap? Code { get; set; }

    public bool HasImage(string path) => _images.ContainsKey(path);

    public IEnumerable<string> ImagePaths => _images.Keys;

    /// <summary>
    /// The fork child's view: at the fork its memory is a copy of ours as it was, with the int3 bytes that
    /// were in place then. Sites we restore in the parent after this point stay in the child.
    /// </summary>
    public AddressSpace CloneForFork(int childPid) => new(childPid, this) { InsertedCount = InsertedCount };

    /// <summary>Records an image as mapped at a load bias and inserts its probes in one pass over memory.</summary>
    public void AddImage(string path, ulong bias, ImageProbes? probes, int tid)
    {
        _images[path] = (bias, probes);
        if (probes is null)
        {
            return;
        }
        var addresses = probes.Probes.Addresses;
        var order = new List<(ulong Runtime, int Probe)>(addresses.Length);
        for (var i = 0; i < addresses.Length; i++)
        {
            // A group done elsewhere (another process, an earlier run of this image) needs no breakpoints.
            if (!probes.IsDone(probes.Probes.Groups[i]))
            {
                order.Add((addresses[i] + bias, i));
            }
        }
        order.Sort();
        InsertSorted(order, probes, tid);
    }

    /// <summary>Forgets an image the program unloaded (dlclose): its memory is gone, so are its sites.</summary>
    public void RemoveImage(string path)
    {
        if (!_images.Remove(path, out var image) || image.Probes is null)
        {
            return;
        }
        foreach (var address in image.Probes.Probes.Addresses)
        {
            if (_sites.Remove(address + image.Bias, out var site) && site.Inserted)
            {
                InsertedCount--;
            }
        }
    }

    /// <summary>Adds one persistent site (the rendezvous), not tied to an image's probes.</summary>
    public void InsertPersistent(ulong address, int tid)
    {
        Span<byte> original = stackalloc byte[1];
        if (!Memory.TryRead(address, original, tid))
        {
            throw new TracerException($"cannot read process {Pid} memory at 0x{address:x}");
        }
        if (original[0] == Int3)
        {
            return;
        }
        Memory.WriteByte(address, Int3, tid);
        _sites[address] = new Site { Original = original[0], Inserted = true, Probe = -1 };
    }

    /// <summary>What a SIGTRAP at <paramref name="rip"/> means for this address space.</summary>
    public TrapKind Classify(ulong rip)
    {
        ref var site = ref CollectionsMarshal.GetValueRefOrNullRef(_sites, rip - 1);
        if (Unsafe.IsNullRef(ref site))
        {
            return TrapKind.NotOurs;
        }
        if (site.Probe < 0)
        {
            return TrapKind.Rendezvous;
        }
        return site.Inserted ? TrapKind.Probe : TrapKind.AlreadyRestored;
    }

    /// <summary>
    /// A probe at <paramref name="address"/> was hit: restores its byte, learns what its group proves, and restores the
    /// sites of every group that leaves done (the hit one, and others whose facts are now all known), all before the
    /// thread runs on. A <see cref="BranchProbe"/> instead learns the arm the flags choose, stays until its group is done,
    /// and has the thread go on at that arm's target. Returns where the thread resumes.
    /// </summary>
    public ulong Hit(ulong address, int tid)
    {
        ref var site = ref CollectionsMarshal.GetValueRefOrNullRef(_sites, address);
        var probes = site.Image!;
        // The load bias follows from the site itself: no lookup by image path on the trap path.
        var bias = address - probes.Probes.Addresses[site.Probe];
        if (probes.Probes.Branches?[site.Probe] is { } branch)
        {
            var taken = branch.Holds((ulong)PtraceCalls.PeekUser(tid, Ptrace.EflagsOffset));
            RestoreGroups(probes, probes.MarkKnown(taken ? branch.WhenTaken : branch.WhenNotTaken), bias, tid);
            return (taken ? branch.Taken : branch.NotTaken) + bias;
        }
        Restore(address, ref site, tid);
        RestoreGroups(probes, probes.MarkHit(probes.Probes.Groups[site.Probe]), bias, tid);
        return address;
    }

    /// <summary>
    /// A thread of this process stopped (a signal) at <paramref name="rip"/>: when an image with probes holds it, learns
    /// what reaching it proves (<see cref="ProbeSet.FactsReachedAt"/>) and removes the probes that leaves useless.
    /// </summary>
    public void Reached(ulong rip, bool started, int tid)
    {
        foreach (var (bias, probes) in _images.Values)
        {
            if (probes?.Probes.FactsReachedAt is not { } reached || rip < bias)
            {
                continue;
            }
            var facts = reached(rip - bias, started);
            if (facts.Count > 0)
            {
                RestoreGroups(probes, probes.MarkKnown(facts), bias, tid);
                return;
            }
        }
    }

    private void RestoreGroups(ImageProbes probes, List<int> done, ulong bias, int tid)
    {
        foreach (var group in done)
        {
            foreach (var probe in probes.Probes.ProbesOf(group))
            {
                var other = probes.Probes.Addresses[probe] + bias;
                ref var sibling = ref CollectionsMarshal.GetValueRefOrNullRef(_sites, other);
                if (!Unsafe.IsNullRef(ref sibling) && sibling.Inserted)
                {
                    Restore(other, ref sibling, tid);
                }
            }
        }
    }

    /// <summary>
    /// A trap at a site we believe restored. In a fork child that can be stale: the parent may have restored
    /// the site between the fork and our handling of the FORK event, while the child kept the int3. Put the
    /// original byte back if an int3 is still there, so the rewound thread does not trap forever.
    /// </summary>
    public void RepairIfStillTrapping(ulong address, int tid)
    {
        ref var site = ref CollectionsMarshal.GetValueRefOrNullRef(_sites, address);
        Span<byte> current = stackalloc byte[1];
        if (!Unsafe.IsNullRef(ref site) && Memory.TryRead(address, current, tid) && current[0] == Int3)
        {
            Memory.WriteByte(address, site.Original, tid);
        }
    }

    public void Dispose() => Memory.Dispose();

    private void Restore(ulong address, ref Site site, int tid)
    {
        Memory.WriteByte(address, site.Original, tid);
        site.Inserted = false;
        InsertedCount--;
    }

    /// <summary>
    /// Inserts int3 at sorted addresses: one read of each cluster of nearby addresses, patched in memory,
    /// then one write per dirty page (DESIGN.md §4: 2 ms for 50k breakpoints).
    /// </summary>
    private void InsertSorted(List<(ulong Runtime, int Probe)> order, ImageProbes probes, int tid)
    {
        const ulong MaxCluster = 1 << 20;
        var buffer = Array.Empty<byte>();
        var start = 0;
        while (start < order.Count)
        {
            var end = start + 1;
            while (end < order.Count && order[end].Runtime - order[start].Runtime < MaxCluster)
            {
                end++;
            }
            var first = order[start].Runtime & ~(ulong)(PageSize - 1);
            var last = (order[end - 1].Runtime | (PageSize - 1)) + 1;
            var length = (int)(last - first);
            if (buffer.Length < length)
            {
                buffer = new byte[length];
            }
            var span = buffer.AsSpan(0, length);
            if (!Memory.TryRead(first, span, tid))
            {
                // Not all readable (a cluster spanning a hole): fall back to page by page.
                InsertPageByPage(order, start, end, probes, tid);
                start = end;
                continue;
            }
            var dirtyPages = new SortedSet<ulong>();
            for (var i = start; i < end; i++)
            {
                var (runtime, probe) = order[i];
                if (_sites.TryGetValue(runtime, out var existing) && existing.Inserted)
                {
                    continue;
                }
                var offset = (int)(runtime - first);
                var original = _sites.TryGetValue(runtime, out existing) ? existing.Original : span[offset];
                if (original == Int3)
                {
                    // The program's own int3 (a debug trap in its code): its SIGTRAP must reach it, so no site here.
                    continue;
                }
                span[offset] = Int3;
                _sites[runtime] = new Site { Original = original, Inserted = true, Image = probes, Probe = probe };
                InsertedCount++;
                dirtyPages.Add(runtime & ~(ulong)(PageSize - 1));
            }
            foreach (var page in dirtyPages)
            {
                Memory.Write(page, span.Slice((int)(page - first), PageSize), tid);
            }
            start = end;
        }
    }

    private void InsertPageByPage(List<(ulong Runtime, int Probe)> order, int start, int end, ImageProbes probes, int tid)
    {
        Span<byte> one = stackalloc byte[1];
        for (var i = start; i < end; i++)
        {
            var (runtime, probe) = order[i];
            if (_sites.ContainsKey(runtime) || !Memory.TryRead(runtime, one, tid) || one[0] == Int3)
            {
                continue;
            }
            Memory.WriteByte(runtime, Int3, tid);
            _sites[runtime] = new Site { Original = one[0], Inserted = true, Image = probes, Probe = probe };
            InsertedCount++;
        }
    }

    /// <summary>A breakpoint: the byte int3 replaced, whether int3 is in place now, and which probe it is (-1: the rendezvous).</summary>
    private struct Site
    {
        public byte Original;
        public bool Inserted;
        public ImageProbes? Image;
        public int Probe;
    }
}

internal enum TrapKind
{
    /// <summary>Not at one of our sites: a real SIGTRAP for the program.</summary>
    NotOurs,

    /// <summary>One of our probes, still in place.</summary>
    Probe,

    /// <summary>One of our probes that another thread already hit and restored: only rewind (if si_code says int3).</summary>
    AlreadyRestored,

    /// <summary>The dynamic linker's rendezvous: the set of loaded libraries changed.</summary>
    Rendezvous,
}

/// <summary>Where the dynamic linker keeps <c>struct r_debug</c> and its breakpoint function in one process.</summary>
/// <param name="RDebug">Runtime address of <c>_r_debug</c>.</param>
/// <param name="Breakpoint">Runtime address of <c>_dl_debug_state</c> (r_brk).</param>
/// <param name="InstructionLength">Bytes before its <c>ret</c> (0, or 4 for endbr64): we emulate the return.</param>
internal sealed record RendezvousInfo(ulong RDebug, ulong Breakpoint, int InstructionLength);
