namespace Harness.Core.Profiling;

/// <summary>A function as a profile names it: one per (name, image), whatever address inside it was sampled.</summary>
/// <param name="Name">The function (DWARF's qualified name, an ELF symbol, or <c>[image]</c> when neither knows the address).</param>
/// <param name="Image">The executable or library file; empty when the address was in no mapping.</param>
/// <param name="File">The source file of its declaration, when DWARF gives it.</param>
/// <param name="Line">Its declaration line, when DWARF gives it.</param>
/// <param name="Inlined">This frame is a call the compiler inlined into its caller (no frame of its own at run time).</param>
public sealed record ProfileFrame(string Name, string Image, string? File, int? Line, bool Inlined);

/// <summary>One function's share of a test's samples.</summary>
/// <param name="Frame">The function.</param>
/// <param name="SelfSamples">Samples with the function as the innermost frame: time spent in its own code.</param>
/// <param name="TotalSamples">Samples with the function anywhere on the stack (counted once per sample under recursion).</param>
/// <param name="SelfTime">The CPU time those self samples stand for (each sample: its thread's CPU time since its previous sample).</param>
/// <param name="TotalTime">The CPU time the total samples stand for.</param>
public sealed record FunctionTime(ProfileFrame Frame, long SelfSamples, long TotalSamples, TimeSpan SelfTime, TimeSpan TotalTime);

/// <summary>
/// One thread's on-CPU samples in the order taken: each a stack of indices into <see cref="TestProfile.Frames"/>,
/// outermost first, with the CPU time it stands for.
/// </summary>
public sealed record ThreadTimeline(int Pid, int Tid, IReadOnlyList<int[]> Stacks, IReadOnlyList<TimeSpan> Weights);

/// <summary>
/// The profile of one test (or one program): per-function self and total samples, the folded stacks, and every
/// thread's timeline. Only on-CPU samples count; samples of a thread blocked in a system call are
/// <see cref="WaitingSamples"/> (a thread waiting in <c>pthread_join</c> is not where the test spends CPU).
/// </summary>
/// <param name="Name">The test (or program) profiled.</param>
/// <param name="Interval">The sampling period: each sample stands for this much time of one thread.</param>
/// <param name="Samples">On-CPU samples, all threads together.</param>
/// <param name="SampledTime">The CPU time the on-CPU samples stand for (the kernel's per-thread CPU clock between samples; one interval per sample where the kernel does not say).</param>
/// <param name="WaitingSamples">Samples of threads blocked in a system call.</param>
/// <param name="Frames">Every distinct frame; stacks index this.</param>
/// <param name="Functions">Per function, most self samples first.</param>
/// <param name="Folded">Folded stacks (<c>outer;…;inner</c> → samples).</param>
/// <param name="Threads">Per thread, its stacks in time order.</param>
/// <param name="Processes">Processes sampled.</param>
/// <param name="CpuTime">CPU time of the main process(es), from the kernel, to check the samples against; null when unknown.</param>
/// <param name="SamplingTime">Time the tracer spent taking the samples.</param>
/// <param name="Ticks">Timer ticks (rounds of samples).</param>
/// <param name="MissedTicks">Ticks skipped because the tracer was busy.</param>
public sealed record TestProfile(
    string Name,
    TimeSpan Interval,
    long Samples,
    TimeSpan SampledTime,
    long WaitingSamples,
    IReadOnlyList<ProfileFrame> Frames,
    IReadOnlyList<FunctionTime> Functions,
    IReadOnlyDictionary<string, long> Folded,
    IReadOnlyList<ThreadTimeline> Threads,
    int Processes,
    TimeSpan? CpuTime,
    TimeSpan SamplingTime,
    long Ticks,
    long MissedTicks)
{
    /// <summary>A function's self time as a share of the sampled CPU time (0 when there is none).</summary>
    public double SelfShare(FunctionTime function) => SampledTime <= TimeSpan.Zero ? 0 : function.SelfTime / SampledTime;

    public double TotalShare(FunctionTime function) => SampledTime <= TimeSpan.Zero ? 0 : function.TotalTime / SampledTime;
}
