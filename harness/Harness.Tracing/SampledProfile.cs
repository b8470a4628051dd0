namespace Harness.Tracing;

/// <summary>
/// What the sampler saw, in the tracer's terms (no symbols): call stacks as (image, link-time address) frames,
/// interned as a tree so that a sample is one node id. Turning addresses into functions is the caller's job
/// (the source map, with these link-time addresses, needs no load bias).
/// </summary>
/// <param name="Interval">The sampling period.</param>
/// <param name="Images">Image paths frames point into; also <c>[vdso]</c>-style names of special mappings, and <c>""</c> for anonymous memory.</param>
/// <param name="Nodes">The stack tree: each node one frame, its parent the caller (-1 for an outermost frame).</param>
/// <param name="Samples">Every sample, in the order taken.</param>
/// <param name="Ticks">Timer ticks that led to a round of interrupts.</param>
/// <param name="MissedTicks">Ticks skipped because the tracer was busy when they were due.</param>
/// <param name="SamplingTime">Time the tracer spent taking samples (interrupt, registers, stack walk, resume).</param>
/// <param name="CpuTime">User + system CPU time of the traced program's main process (with its reaped children), when it exited.</param>
public sealed record SampledProfile(
    TimeSpan Interval,
    IReadOnlyList<string> Images,
    IReadOnlyList<StackNode> Nodes,
    IReadOnlyList<StackSample> Samples,
    long Ticks,
    long MissedTicks,
    TimeSpan SamplingTime,
    TimeSpan? CpuTime);

/// <summary>One frame of the stack tree.</summary>
/// <param name="Parent">The caller's node, or -1.</param>
/// <param name="Image">Index into <see cref="SampledProfile.Images"/>, or -1 when the address is in no mapping.</param>
/// <param name="Address">
/// The image's link-time address (runtime address minus load bias; the runtime address when <paramref name="Image"/> is -1).
/// For a leaf it is the instruction pointer; for a caller the return address, which is one past the call.
/// </param>
/// <param name="Depth">0 for an outermost frame.</param>
public readonly record struct StackNode(int Parent, int Image, ulong Address, int Depth);

/// <summary>One sample of one thread.</summary>
/// <param name="Time">When it was taken, from the start of the run.</param>
/// <param name="Pid">The thread's process.</param>
/// <param name="Tid">The thread.</param>
/// <param name="Leaf">Its innermost frame's node (the instruction pointer).</param>
/// <param name="Waiting">
/// The thread was blocked in a system call (stopped with <c>orig_rax</c> set and <c>rax</c> an -ERESTART* code):
/// off the CPU. Such samples say where a thread waits, not where it computes.
/// </param>
/// <param name="Cpu">
/// CPU time the thread used since its previous sample (<c>/proc/TID/schedstat</c>; for its first sample at most one
/// interval), or null when the kernel does not say. Timer ticks are wall-clock: on a busy machine a runnable thread
/// that is not running still gets ticks, so this, not the tick count, says how much CPU a stack stands for.
/// </param>
public readonly record struct StackSample(TimeSpan Time, int Pid, int Tid, int Leaf, bool Waiting, TimeSpan? Cpu);
