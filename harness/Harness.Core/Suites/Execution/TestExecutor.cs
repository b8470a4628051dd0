namespace Harness.Core.Suites.Execution;

/// <summary>Runs tests of one binary the way its framework runs them and reports one result per test.</summary>
public static class TestExecutor
{
    /// <summary>
    /// Runs <paramref name="tests"/>, all of one <see cref="TestBinary"/>, and returns exactly one result per test, in
    /// their order. libtest and plain binaries run one process per test; GoogleTest and Catch2 run batches, and
    /// when a batch process dies the test it was running is reported crashed and the rest run again.
    /// </summary>
    /// <exception cref="ArgumentException">The tests are not all of one binary.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the running process group was killed.</exception>
    public static IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, ExecutionOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(tests);
        ArgumentNullException.ThrowIfNull(options);
        if (tests.Count == 0)
        {
            return [];
        }
        var binary = tests[0].Binary;
        if (tests.Any(t => !string.Equals(t.Binary.Path, binary.Path, StringComparison.Ordinal)))
        {
            throw new ArgumentException("all tests of one run must belong to one test binary", nameof(tests));
        }
        var context = new RunContext(binary, options.Timeout ?? binary.Timeout, options.KillGrace, options.RunIgnored, cancellation) { Coverage = options.Coverage, Profile = options.Profile, MaxOutput = options.MaxOutput };
        return binary.Framework switch
        {
            TestFramework.LibTest => tests.Select(t => LibTestRunner.Run(t, context)).ToArray(),
            TestFramework.Plain => tests.Select(t => PlainRunner.Run(t, context)).ToArray(),
            TestFramework.GoogleTest => GoogleTestRunner.Run(tests, context),
            TestFramework.Catch2 => Catch2Runner.Run(tests, context),
            _ => throw new ArgumentOutOfRangeException(nameof(tests), binary.Framework, "unknown test framework"),
        };
    }
}

/// <summary>What every runner needs besides the tests.</summary>
internal sealed record RunContext(TestBinary Binary, TimeSpan? Timeout, TimeSpan KillGrace, bool RunIgnored, CancellationToken Cancellation)
{
    public Harness.Core.Coverage.CoverageCollector? Coverage { get; init; }

    public Harness.Core.Profiling.ProfileCollector? Profile { get; init; }

    public int MaxOutput { get; init; } = ExecutionOptions.DefaultMaxOutput;

    /// <summary>Runs the binary with <paramref name="arguments"/>; <paramref name="progress"/> tells when a batch starts each test, for per-test timeouts.</summary>
    public ProcessRun Start(IEnumerable<string> arguments, BatchProgress? progress = null) => Coverage is not null || Profile is not null
        ? TracedProcess.Run(Binary, arguments, Timeout, KillGrace, Coverage, Profile, Cancellation, progress, MaxOutput)
        : ProcessGroup.Run(Binary, arguments, Timeout, KillGrace, Cancellation, progress, MaxOutput);
}

/// <summary>Results built from a whole process run.</summary>
internal static class Results
{
    public static TestResult Skipped(TestCase test, string reason) =>
        new(test, TestOutcome.Skipped, TimeSpan.Zero, DateTimeOffset.Now, "", "", reason, null, null, null, null);

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

/// <summary>Plain executables: one test, passed when the process exits 0.</summary>
internal static class PlainRunner
{
    public static TestResult Run(TestCase test, RunContext context) =>
        Results.FromExit(test, context.Start([]), context.Timeout);
}
