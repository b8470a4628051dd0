namespace Harness.Tracing;

/// <summary>How a traced run ended and what it hit.</summary>
/// <param name="ExitCode">The program's exit code, when it exited.</param>
/// <param name="TerminatingSignal">The signal that killed it, when one did.</param>
/// <param name="TimedOut">It outlived the timeout and its process tree was killed.</param>
/// <param name="Cancelled">The run was cancelled (Ctrl-C) and its process tree was killed.</param>
/// <param name="Images">Every image that had probes, with the groups hit, merged across all traced processes.</param>
/// <param name="Statistics">Counters for benchmarks and diagnostics.</param>
public sealed record TraceResult(
    int? ExitCode,
    int? TerminatingSignal,
    bool TimedOut,
    bool Cancelled,
    IReadOnlyList<ImageProbes> Images,
    TraceStatistics Statistics)
{
    /// <summary>The call-stack samples, when <see cref="LaunchOptions.SampleRate"/> asked for them.</summary>
    public SampledProfile? Profile { get; init; }

    /// <summary>The shell convention: the exit code, or 128 + the signal that killed the program.</summary>
    public int ShellStatus => ExitCode ?? 128 + (TerminatingSignal ?? 0);
}

/// <summary>Counters of one traced run.</summary>
/// <param name="Processes">Processes traced (the program, its forks and execs).</param>
/// <param name="Threads">Threads traced, all processes together.</param>
/// <param name="Traps">Breakpoint traps handled (one-shot probes and the dynamic linker's rendezvous).</param>
/// <param name="BreakpointsInserted">Breakpoints written into tracees.</param>
/// <param name="SeizeToExec">From PTRACE_SEIZE to the program's exec: the cost of the launch recipe.</param>
/// <param name="HandlingTime">Time the tracer spent handling stops (the rest of a trap's cost is the kernel's).</param>
public sealed record TraceStatistics(int Processes, int Threads, long Traps, long BreakpointsInserted, TimeSpan SeizeToExec, TimeSpan HandlingTime);
