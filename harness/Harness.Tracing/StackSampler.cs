using System.Diagnostics;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// The sampling half of a trace session: at each tick of its <see cref="SampleClock"/> the session asks every
/// running thread to stop with PTRACE_INTERRUPT; when the thread's PTRACE_EVENT_STOP (SIGTRAP) arrives, this
/// reads its registers and walks the frame-pointer chain, and the session resumes it. Runs on the tracer thread.
/// <para>
/// A walk stops at the first frame that does not look like one: a frame pointer below the stack pointer, not
/// 8-aligned, not above the previous one, unreadable, or a return address outside every executable mapping.
/// Code built without frame pointers therefore still gets its leaf (self time) right, and loses callers.
/// </para>
/// </summary>
internal sealed class StackSampler : IDisposable
{
    private const int MaxDepth = 128;
    /// <summary>A frame pointer this far above the stack pointer is not one (no thread stack is a gigabyte).</summary>
    private const ulong MaxStackSpan = 1UL << 30;

    private readonly SampleClock _clock;
    private readonly HashSet<int> _pending = [];
    private readonly List<string> _images = [];
    private readonly Dictionary<string, int> _imageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _positionIndependent = new(StringComparer.Ordinal);
    private readonly List<StackNode> _nodes = [];
    private readonly Dictionary<(int Parent, int Image, ulong Address), int> _nodeIds = [];
    private readonly List<StackSample> _samples = [];
    private readonly List<ulong> _frames = new(MaxDepth);
    private readonly Dictionary<int, (int Fd, long Cpu)> _cpuClocks = [];
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _ticks;
    private long _samplingTicks;

    public StackSampler(int rate) => _clock = new SampleClock(rate);

    public TimeSpan? CpuTime { get; set; }

    /// <summary>True when a tick is due; the session then calls <see cref="Interrupt"/> for its running threads.</summary>
    public bool Due()
    {
        if (!_clock.Due())
        {
            return false;
        }
        _ticks++;
        return true;
    }

    /// <summary>Asks a running thread to stop for a sample (at most one request outstanding per thread).</summary>
    public void Interrupt(int tid)
    {
        if (_pending.Add(tid) && LibC.Ptrace(Ptrace.Interrupt, tid, 0, 0) == -1)
        {
            _pending.Remove(tid);
        }
    }

    /// <summary>Whether this PTRACE_EVENT_STOP of <paramref name="tid"/> is the answer to our interrupt.</summary>
    public bool IsPending(int tid) => _pending.Contains(tid);

    public void Forget(int tid)
    {
        _pending.Remove(tid);
        if (_cpuClocks.Remove(tid, out var clock) && clock.Fd >= 0)
        {
            LibC.Close(clock.Fd);
        }
    }

    /// <summary>Takes the sample of a thread stopped by our interrupt. The caller resumes it.</summary>
    public unsafe void Take(int tid, int pid, AddressSpace space)
    {
        var started = Stopwatch.GetTimestamp();
        _pending.Remove(tid);
        UserRegs regs;
        if (LibC.Ptrace(Ptrace.GetRegs, tid, 0, (nint)(&regs)) == -1)
        {
            return;
        }
        // Stopped inside an interrupted system call: it will be restarted, the thread was waiting in it.
        var result = (long)regs.Rax;
        var waiting = (long)regs.OrigRax >= 0 && result is >= -516 and <= -512;
        var code = space.Code ??= CodeMap.Read(space.Pid, this);
        _frames.Clear();
        _frames.Add(regs.Rip);
        Walk(tid, space, code, regs.Rbp, regs.Rsp);

        var parent = -1;
        for (var i = _frames.Count - 1; i >= 0; i--)
        {
            var address = _frames[i];
            if (!code.TryFind(address, out var image, out var bias) && i == 0 && code.Age > TimeSpan.FromMilliseconds(10))
            {
                // The leaf in code we have not seen mapped (the dynamic linker mapping libraries before its rendezvous,
                // JIT code): re-read the mappings, at most every 10 ms so that code running in anonymous memory stays cheap.
                space.Code = code = CodeMap.Read(space.Pid, this);
                code.TryFind(address, out image, out bias);
            }
            parent = Node(parent, image, address - bias, _frames.Count - 1 - i);
        }
        _samples.Add(new StackSample(Stopwatch.GetElapsedTime(_start, started), pid, tid, parent, waiting, CpuSinceLastSample(tid)));
        _samplingTicks += Stopwatch.GetTimestamp() - started;
    }

    public SampledProfile Result() => new(
        _clock.Interval, [.. _images], [.. _nodes], [.. _samples], _ticks, _clock.Missed, Stopwatch.GetElapsedTime(0, _samplingTicks), CpuTime);

    public void Dispose()
    {
        _clock.Dispose();
        foreach (var (fd, _) in _cpuClocks.Values.Where(c => c.Fd >= 0))
        {
            LibC.Close(fd);
        }
        _cpuClocks.Clear();
    }

    internal int ImageId(string name)
    {
        if (!_imageIds.TryGetValue(name, out var id))
        {
            _imageIds[name] = id = _images.Count;
            _images.Add(name);
        }
        return id;
    }

    internal bool IsPositionIndependent(string path)
    {
        if (!_positionIndependent.TryGetValue(path, out var pie))
        {
            _positionIndependent[path] = pie = Harness.Symbols.ElfSymbolTable.IsPositionIndependentFile(path);
        }
        return pie;
    }

    /// <summary>
    /// The thread's on-CPU nanoseconds (first field of <c>/proc/TID/schedstat</c>; one pread on a descriptor kept
    /// open per thread) minus those at its previous sample; null when the file cannot be read.
    /// </summary>
    private unsafe TimeSpan? CpuSinceLastSample(int tid)
    {
        if (!_cpuClocks.TryGetValue(tid, out var clock))
        {
            clock = (LibC.Open($"/proc/{tid}/schedstat", LibC.ORdOnly | LibC.OCloExec), -1);
        }
        if (clock.Fd < 0)
        {
            _cpuClocks[tid] = clock;
            return null;
        }
        var buffer = stackalloc byte[64];
        var length = (int)LibC.PRead(clock.Fd, buffer, 64, 0);
        var span = new ReadOnlySpan<byte>(buffer, Math.Max(0, length));
        var end = span.IndexOf((byte)' ');
        if (end <= 0 || !long.TryParse(span[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var now))
        {
            return null;
        }
        var delta = clock.Cpu < 0 ? Math.Min(now, _clock.Interval.Ticks * 100) : now - clock.Cpu;
        _cpuClocks[tid] = (clock.Fd, now);
        return TimeSpan.FromTicks(Math.Max(0, delta) / 100);
    }

    private void Walk(int tid, AddressSpace space, CodeMap code, ulong framePointer, ulong stackPointer)
    {
        Span<byte> frame = stackalloc byte[16];
        var previous = stackPointer;
        while (_frames.Count < MaxDepth)
        {
            if (framePointer < previous || (framePointer & 7) != 0 || framePointer - stackPointer > MaxStackSpan
                || !space.Memory.TryRead(framePointer, frame, tid))
            {
                return;
            }
            var next = BitConverter.ToUInt64(frame);
            var returnAddress = BitConverter.ToUInt64(frame[8..]);
            if (!code.Contains(returnAddress))
            {
                return;
            }
            _frames.Add(returnAddress);
            if (next <= framePointer)
            {
                return;
            }
            previous = framePointer + 16;
            framePointer = next;
        }
    }

    private int Node(int parent, int image, ulong address, int depth)
    {
        if (!_nodeIds.TryGetValue((parent, image, address), out var id))
        {
            _nodeIds[(parent, image, address)] = id = _nodes.Count;
            _nodes.Add(new StackNode(parent, image, address, depth));
        }
        return id;
    }
}

/// <summary>
/// The executable mappings of one address space, sorted, each with its image and load bias (DESIGN.md §4: the
/// start of the image's mapping with file offset 0, for position-independent images; 0 otherwise).
/// </summary>
internal sealed class CodeMap
{
    private readonly (ulong Start, ulong End, int Image, ulong Bias)[] _ranges;
    private readonly long _read = Stopwatch.GetTimestamp();

    private CodeMap((ulong, ulong, int, ulong)[] ranges) => _ranges = ranges;

    public TimeSpan Age => Stopwatch.GetElapsedTime(_read);

    public static CodeMap Read(int pid, StackSampler sampler)
    {
        var maps = Mapping.Read(pid);
        var ranges = new List<(ulong, ulong, int, ulong)>();
        foreach (var mapping in maps)
        {
            if (mapping.Permissions.Length < 3 || mapping.Permissions[2] != 'x')
            {
                continue;
            }
            var path = mapping.Path.EndsWith(" (deleted)", StringComparison.Ordinal) ? mapping.Path[..^10] : mapping.Path;
            ulong bias;
            if (path.StartsWith('/'))
            {
                bias = sampler.IsPositionIndependent(path)
                    ? maps.FirstOrDefault(m => m.Offset == 0 && (m.Path == mapping.Path)).Start
                    : 0;
            }
            else
            {
                // [vdso], anonymous (JIT) code: addresses relative to the mapping.
                bias = mapping.Start;
                path = path.Length == 0 ? "[anonymous]" : path;
            }
            ranges.Add((mapping.Start, mapping.End, sampler.ImageId(path), bias));
        }
        ranges.Sort();
        return new CodeMap([.. ranges]);
    }

    public bool Contains(ulong address) => TryFind(address, out _, out _);

    public bool TryFind(ulong address, out int image, out ulong bias)
    {
        var low = 0;
        var high = _ranges.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            ref var range = ref _ranges[mid];
            if (address < range.Start)
            {
                high = mid - 1;
            }
            else if (address >= range.End)
            {
                low = mid + 1;
            }
            else
            {
                image = range.Image;
                bias = range.Bias;
                return true;
            }
        }
        image = -1;
        bias = 0;
        return false;
    }
}
