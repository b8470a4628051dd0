using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Processes;
using Harness.Core.Profiling;

namespace Harness.Core.Frameworks;

/// <summary>How test processes are run: limits, ignored tests, and the tracer's collectors when coverage or profiles are on.</summary>
/// <param name="Timeout">Per-test timeout; <see langword="null"/> uses the binary's <see cref="TestBinary.Timeout"/>, or none.</param>
/// <param name="KillGrace">How long a timed-out process group gets between SIGTERM and SIGKILL.</param>
/// <param name="RunIgnored">Run ignored (<c>#[ignore]</c>), disabled (<c>DISABLED_</c>) and hidden (Catch2 <c>[.]</c>) tests instead of skipping them.</param>
/// <param name="Coverage">When set, every test process runs under the breakpoint-coverage tracer and its hits are merged here.</param>
public sealed record ExecutionOptions(TimeSpan? Timeout, TimeSpan KillGrace, bool RunIgnored, CoverageCollector? Coverage = null)
{
    /// <summary>When set, every test process runs under the tracer with stack sampling, one test a process, and its samples are filed here.</summary>
    public ProfileCollector? Profile { get; init; }

    /// <summary>Characters of each output stream kept per test process (head and tail, the middle elided); 0 keeps all.</summary>
    public int MaxOutput { get; init; } = DefaultMaxOutput;

    /// <summary>
    /// Receives each line a test process prints, with its test, as the process prints it (a run's streamed output).
    /// When set, every test runs in a process of its own, so that each line belongs to exactly one test.
    /// </summary>
    public Action<TestCase, OutputStream, string>? Output { get; init; }

    /// <summary>1 MiB per stream: a test printing 50 MB must not cost 50 MB of memory and of every results file.</summary>
    public const int DefaultMaxOutput = OutputCapture.DefaultLimit;

    /// <summary>The default grace between SIGTERM and SIGKILL.</summary>
    public static readonly TimeSpan DefaultKillGrace = TimeSpan.FromSeconds(2);

    /// <summary>No timeout beyond the binary's own, 2 s grace, ignored tests skipped.</summary>
    public static ExecutionOptions Default { get; } = new(null, DefaultKillGrace, false);

    /// <summary>Whether the tests of <paramref name="framework"/> each need a process of their own under these options.</summary>
    public bool OneTestAProcess(TestFramework framework) =>
        // Per-test coverage, profiles and streamed output need one test a process to attribute hits, samples and lines exactly.
        TestFrameworks.For(framework).OneTestAProcess || Coverage?.PerTest == true || Profile is not null || Output is not null;
}

/// <summary>Runs one binary's tests: the seam between the scheduler and the processes.</summary>
public interface ITestExecutor
{
    /// <summary>
    /// Runs <paramref name="tests"/>, all of one <see cref="TestBinary"/>, and returns exactly one result per test, in
    /// their order.
    /// </summary>
    /// <param name="hits">Receives the own hits of each traced process (coverage), when there are any.</param>
    /// <exception cref="OperationCanceledException">Cancelled; whatever was running was stopped.</exception>
    IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, ExecutionOptions options, Action<IReadOnlyList<ImageHits>>? hits, CancellationToken cancellation);
}

/// <summary>Runs tests of one binary the way its framework runs them and reports one result per test.</summary>
public sealed class TestExecutor : ITestExecutor
{
    public static TestExecutor Instance { get; } = new();

    /// <summary>
    /// Runs <paramref name="tests"/>, all of one <see cref="TestBinary"/>, and returns exactly one result per test, in
    /// their order. libtest and plain binaries run one process per test; GoogleTest and Catch2 run batches, and
    /// when a batch process dies the test it was running is reported crashed and the rest run again.
    /// </summary>
    /// <exception cref="ArgumentException">The tests are not all of one binary.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the running process group was killed.</exception>
    public static IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, ExecutionOptions options, CancellationToken cancellation) =>
        Instance.Run(tests, options, null, cancellation);

    public IReadOnlyList<TestResult> Run(IReadOnlyList<TestCase> tests, ExecutionOptions options, Action<IReadOnlyList<ImageHits>>? hits, CancellationToken cancellation)
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
        var framework = TestFrameworks.For(binary.Framework);
        var context = new RunContext(binary, options.Timeout ?? binary.Timeout, options.KillGrace, options.RunIgnored, cancellation)
        {
            Coverage = options.Coverage,
            Profile = options.Profile,
            Hits = hits,
            MaxOutput = options.MaxOutput,
        };
        if (!options.OneTestAProcess(binary.Framework))
        {
            return framework.Run(tests, context with { Tests = [.. tests.Select(t => t.FullyQualifiedName)] });
        }
        // One process a test: each is attributed its own hits, samples and output lines.
        return [.. tests.SelectMany(t => framework.Run([t], context with
        {
            Tests = [t.FullyQualifiedName],
            Output = options.Output is { } output ? (stream, line) => output(t, stream, line) : null,
        }))];
    }
}
