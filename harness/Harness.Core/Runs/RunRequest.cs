using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Suites;

namespace Harness.Core.Runs;

/// <summary>
/// Coverage for a run: which sources, whether each line also names the tests that ran it (one test a process), and
/// whether branches are covered too.
/// </summary>
public sealed record CoverageRequest(SourceSelection Sources, bool PerTest = false, BranchCoverage Branches = BranchCoverage.Off);

/// <summary>
/// Everything a test run needs, from every front end alike (<c>harness test</c>, the VSTest adapter): the suites with
/// their own settings (or tests already listed), the selection, and how to run them.
/// </summary>
public sealed record RunRequest
{
    /// <summary>Suites to discover and list; ignored when <see cref="Tests"/> is given.</summary>
    public IReadOnlyList<SuiteSpec> Suites { get; init; } = [];

    /// <summary>Tests already listed (an IDE's chosen tests, carried in its test cases): run as they are, with no build and no listing.</summary>
    public IReadOnlyList<TestCase>? Tests { get; init; }

    /// <summary>Which of the listed tests run (filters, partition).</summary>
    public TestSelection Selection { get; init; } = new();

    /// <summary><c>--affected</c>: after the selection, only the tests a change since the impact maps can reach run; null runs the selection.</summary>
    public AffectedTests? Affected { get; init; }

    /// <summary>Test processes at once.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Extra attempts for a test that did not pass; passing on one makes it flaky.</summary>
    public int Retries { get; init; }

    /// <summary>Count flaky tests as failed (for fail-fast and the verdict).</summary>
    public bool FlakyFails { get; init; }

    /// <summary>Stop starting tests after the first failure.</summary>
    public bool FailFast { get; init; }

    /// <summary>Measured passes over the selection (whole passes, interleaving each test's runs with the others').</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Passes run first and discarded.</summary>
    public int Warmup { get; init; }

    /// <summary>Per-test timeout over the binaries' own; null keeps theirs.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long a timed-out process group gets between SIGTERM and SIGKILL.</summary>
    public TimeSpan KillGrace { get; init; } = ExecutionOptions.DefaultKillGrace;

    /// <summary>Run ignored, disabled and hidden tests too.</summary>
    public bool RunIgnored { get; init; }

    /// <summary>Run every test process under breakpoint coverage.</summary>
    public CoverageRequest? Coverage { get; init; }

    /// <summary>Sample every test process's stacks at this rate (one test a process); null: no profiles.</summary>
    public int? ProfileRate { get; init; }

    /// <summary>Characters of each output stream kept per test process (head and tail, the middle elided); 0 keeps all.</summary>
    public int MaxOutput { get; init; } = ExecutionOptions.DefaultMaxOutput;

    /// <summary>
    /// Emit each line a test prints as a <see cref="TestOutput"/> event while it runs (off by default: no line is split
    /// then). Every test then runs in a process of its own, so that each line has its test.
    /// </summary>
    public bool StreamOutput { get; init; }

    /// <summary>A test still running after this long is reported slow (once).</summary>
    public TimeSpan SlowAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The values a front end must refuse (the message says which), or null when the request can run.</summary>
    public string? Problem() =>
        Jobs < 1 || Retries < 0 || Timeout <= TimeSpan.Zero || Repeat < 1 || Warmup < 0 || ProfileRate is < 1 or > 10_000
            ? "--jobs must be ≥ 1, --retries ≥ 0, --timeout > 0, --repeat ≥ 1, --warmup ≥ 0, --profile-rate 1–10000"
            : null;
}
