namespace Harness.Core.Suites.Execution;

/// <summary>How one run of one test ended. Flakiness is decided by the scheduler across runs, not here.</summary>
public enum TestOutcome
{
    /// <summary>The framework reported it passed (plain binaries: exit code 0).</summary>
    Passed,

    /// <summary>The framework reported a failure (plain binaries: a non-zero exit code).</summary>
    Failed,

    /// <summary>Not run: ignored, disabled or hidden without <see cref="ExecutionOptions.RunIgnored"/>, or skipped by the test itself.</summary>
    Skipped,

    /// <summary>Still running when its timeout expired; its process group was terminated.</summary>
    TimedOut,

    /// <summary>The process died while running it (a signal, or an exit the framework does not make on a failure).</summary>
    Crashed,
}

/// <summary>The result of running one test once.</summary>
/// <param name="Test">The test.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Duration">How long it ran (the framework's own measure when it reports one).</param>
/// <param name="Started">When its process started.</param>
/// <param name="StandardOutput">What it printed on stdout (for a batch run: the part between its start and end markers when the framework prints them).</param>
/// <param name="StandardError">What its process printed on stderr (for a batch run: the whole batch's stderr).</param>
/// <param name="FailureMessage">Why it failed, crashed or timed out.</param>
/// <param name="FailureFile">The file of the failing assertion or panic, when known.</param>
/// <param name="FailureLine">Its line, when known.</param>
/// <param name="ExitCode">The exit code of its process, when it exited normally.</param>
/// <param name="Signal">The signal that killed its process, when one did.</param>
public sealed record TestResult(
    TestCase Test,
    TestOutcome Outcome,
    TimeSpan Duration,
    DateTimeOffset Started,
    string StandardOutput,
    string StandardError,
    string? FailureMessage,
    string? FailureFile,
    int? FailureLine,
    int? ExitCode,
    int? Signal);

/// <summary>How to run tests.</summary>
/// <param name="Timeout">Per-test timeout; <see langword="null"/> uses the binary's <see cref="TestBinary.Timeout"/>, or none.</param>
/// <param name="KillGrace">How long a timed-out process group gets between SIGTERM and SIGKILL.</param>
/// <param name="RunIgnored">Run ignored (<c>#[ignore]</c>), disabled (<c>DISABLED_</c>) and hidden (Catch2 <c>[.]</c>) tests instead of skipping them.</param>
/// <param name="Coverage">When set, every test process runs under the breakpoint-coverage tracer and its hits are merged here.</param>
public sealed record ExecutionOptions(TimeSpan? Timeout, TimeSpan KillGrace, bool RunIgnored, Harness.Core.Coverage.CoverageCollector? Coverage = null)
{
    /// <summary>When set, every test process runs under the tracer with stack sampling, one test a process, and its samples are filed here.</summary>
    public Harness.Core.Profiling.ProfileCollector? Profile { get; init; }

    /// <summary>Characters of each output stream kept per test process (head and tail, the middle elided); 0 keeps all.</summary>
    public int MaxOutput { get; init; } = DefaultMaxOutput;

    /// <summary>1 MiB per stream: a test printing 50 MB must not cost 50 MB of memory and of every results file.</summary>
    public const int DefaultMaxOutput = 1 << 20;

    /// <summary>The default grace between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(2);

    /// <summary>No timeout beyond the binary's own, 2 s grace, ignored tests skipped.</summary>
    public static ExecutionOptions Default { get; } = new(null, DefaultKillGrace, false);
}
