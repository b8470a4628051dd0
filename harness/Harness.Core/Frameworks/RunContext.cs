using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Processes;
using Harness.Core.Profiling;

namespace Harness.Core.Frameworks;

/// <summary>
/// What a framework's runner needs besides the tests: the binary, its limits, and where a traced process's hits and
/// samples go, with the tests they belong to named here (never taken from the calling thread).
/// </summary>
internal sealed record RunContext(TestBinary Binary, TimeSpan? Timeout, TimeSpan KillGrace, bool RunIgnored, CancellationToken Cancellation)
{
    public CoverageCollector? Coverage { get; init; }

    public ProfileCollector? Profile { get; init; }

    /// <summary>The tests the processes started through this context run: their hits and samples are filed under these names.</summary>
    public IReadOnlyList<string> Tests { get; init; } = [];

    /// <summary>Receives each traced process's own hits (the run's per-test coverage events).</summary>
    public Action<IReadOnlyList<ImageHits>>? Hits { get; init; }

    /// <summary>Characters of each output stream kept per test process (head and tail, the middle elided); 0 keeps all.</summary>
    public int MaxOutput { get; init; } = ExecutionOptions.DefaultMaxOutput;

    /// <summary>Receives each line the processes print, as they print it; null when nobody asked (nothing is split then).</summary>
    public Action<OutputStream, string>? Output { get; init; }

    /// <summary>Runs the binary with <paramref name="arguments"/>; <paramref name="progress"/> tells when a batch starts each test, for per-test timeouts.</summary>
    public ProcessRun Start(IEnumerable<string> arguments, BatchProgress? progress = null) => Coverage is not null || Profile is not null
        ? TracedProcess.Run(Binary, arguments, Timeout, KillGrace, new TracedProcess.Observers(Coverage, Profile, Tests, Hits), Cancellation, progress, MaxOutput, Output)
        : ProcessGroup.Run(Binary, arguments, Timeout, KillGrace, Cancellation, progress, MaxOutput, Output);
}

/// <summary>Results built from a whole process run.</summary>
internal static class Results
{
    public static TestResult Skipped(TestCase test, string reason) => TestResult.WithoutRun(test, TestOutcome.Skipped, reason);

    /// <summary>The result of a process that ran exactly this test, decided by its exit status alone.</summary>
    public static TestResult FromExit(TestCase test, ProcessRun run, TimeSpan? timeout)
    {
        var (outcome, message) = run switch
        {
            { StartError: { } error } => (TestOutcome.Crashed, error),
            { TimedOut: true } => (TestOutcome.TimedOut, $"timed out after {Seconds(timeout)} s"),
            { Signal: { } signal } => (TestOutcome.Crashed, $"killed by {Signals.Name(signal)}"),
            { ExitCode: 0 } => (TestOutcome.Passed, (string?)null),
            _ => (TestOutcome.Failed, $"exit code {run.ExitCode}"),
        };
        return Of(test, run, outcome, message);
    }

    /// <summary>
    /// A result from (part of) <paramref name="run"/>. The exit code is the process's when it exited normally; the
    /// signal only goes to the crashed test, not to the tests of a batch that finished before the process died.
    /// </summary>
    public static TestResult Of(TestCase test, ProcessRun run, TestOutcome outcome, string? message,
        string? file = null, int? line = null, TimeSpan? duration = null, string? standardOutput = null, string? standardError = null) =>
        new(test, outcome, duration ?? run.Duration, run.Started, standardOutput ?? run.StandardOutput, standardError ?? run.StandardError,
            message, file, line, run.TimedOut ? null : run.ExitCode, outcome == TestOutcome.Crashed && !run.TimedOut ? run.Signal : null);

    /// <summary>The time of a batch's unfinished test: the process's time less what its finished tests took.</summary>
    public static TimeSpan Remainder(ProcessRun run, IEnumerable<TimeSpan?> finished)
    {
        var rest = run.Duration - finished.Aggregate(TimeSpan.Zero, (sum, d) => sum + (d ?? TimeSpan.Zero));
        return rest > TimeSpan.Zero ? rest : TimeSpan.Zero;
    }

    public static string Seconds(TimeSpan? timeout) =>
        timeout is { } t ? t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "?";
}
