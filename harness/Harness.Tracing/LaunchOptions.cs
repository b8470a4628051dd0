namespace Harness.Tracing;

/// <summary>What to run under the tracer. Arguments travel as a list, never through a shell string.</summary>
/// <param name="Program">The executable: a path, or a name looked up on PATH.</param>
/// <param name="Arguments">Its arguments (argv[1..]).</param>
public sealed record LaunchOptions(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The complete environment of the program; null inherits harness's own.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The program's working directory; null inherits harness's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Put the program in a process group of its own (test runs); else it shares harness's terminal group.</summary>
    public bool NewProcessGroup { get; init; }

    /// <summary>File descriptors to use as the program's stdin, stdout and stderr; null inherits harness's.</summary>
    public int? StandardInput { get; init; }

    public int? StandardOutput { get; init; }

    public int? StandardError { get; init; }

    /// <summary>
    /// Sample every traced thread's call stack this many times a second (PTRACE_INTERRUPT, registers, frame-pointer
    /// walk); null samples nothing. The samples come back in <see cref="TraceResult.Profile"/>.
    /// </summary>
    public int? SampleRate { get; init; }

    /// <summary>Kill the whole traced tree after this long; the coverage gathered so far is kept.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Expires the run when cancelled, exactly as <see cref="Timeout"/> would (a caller's own clock, e.g. per test of a batch).</summary>
    public CancellationToken TimeoutToken { get; init; }

    /// <summary>On timeout, send SIGTERM first and SIGKILL only after this grace; null or zero: SIGKILL at once.</summary>
    public TimeSpan? KillGrace { get; init; }
}
