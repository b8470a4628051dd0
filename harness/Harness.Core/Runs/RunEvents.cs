using Harness.Core.Coverage;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Profiling;
using Harness.Core.Suites;

namespace Harness.Core.Runs;

/// <summary>
/// What a <see cref="TestRun"/> tells its sinks, in order, one at a time: the typed stream every front end consumes
/// (console, result files, history, the VSTest recorder), as nextest's runner feeds its displayer and JUnit aggregator.
/// </summary>
public abstract record RunEvent;

/// <summary>A line of a build or listing tool (cargo's progress and diagnostics, ctest's errors) while suites are discovered.</summary>
public sealed record BuildOutput(string Line) : RunEvent;

/// <summary>Under <c>--affected</c>: which selected tests the change reaches (and why), and which it does not; before <see cref="RunStarted"/>.</summary>
public sealed record AffectedChosen(AffectedSelection Selection) : RunEvent;

/// <summary>The tests are listed and selected; nothing has run yet.</summary>
/// <param name="Selected">The tests that will run, sorted by name.</param>
/// <param name="Listed">How many tests the suites hold.</param>
/// <param name="Passes">Warm-up plus measured passes over the selection.</param>
public sealed record RunStarted(IReadOnlyList<TestCase> Selected, int Listed, int Passes, int Jobs) : RunEvent;

/// <summary>A process is about to run the test (for a batch: every test of the batch at once).</summary>
/// <param name="Attempt">1 for the first attempt, more for a retry.</param>
public sealed record TestStarted(TestCase Test, int Pass, int Attempt) : RunEvent;

/// <summary>A line the test printed, while it runs; only when <see cref="RunRequest.StreamOutput"/> asked for it.</summary>
public sealed record TestOutput(TestCase Test, OutputStream Stream, string Line) : RunEvent;

/// <summary>An attempt did not pass.</summary>
/// <param name="Retrying">Another attempt follows.</param>
public sealed record AttemptFailed(TestResult Result, int Attempt, bool Retrying) : RunEvent;

/// <summary>The test has been running for <paramref name="Elapsed"/> and is still running.</summary>
public sealed record TestSlow(TestCase Test, TimeSpan Elapsed) : RunEvent;

/// <summary>A test's final result in one pass, after retries.</summary>
/// <param name="Measured">False for a warm-up pass.</param>
/// <param name="Hits">Under coverage, the hits of the processes that ran it (its own when it ran alone), else null.</param>
public sealed record TestFinished(FinishedTest Finished, int Pass, bool Measured, IReadOnlyList<ImageHits>? Hits) : RunEvent;

/// <summary>The run ended: finished, stopped by fail-fast, or cancelled.</summary>
public sealed record RunFinished(RunSummary Summary) : RunEvent;

/// <summary>What a run came to.</summary>
/// <param name="Results">Each test's final result (the first measured run that did not pass, else the last), sorted by name.</param>
/// <param name="Repeated">Each test's measured runs.</param>
/// <param name="Listed">How many tests the suites hold.</param>
/// <param name="Selected">How many tests were selected (more than <paramref name="Results"/> when the run stopped early).</param>
/// <param name="Cancelled">The caller cancelled the run (not fail-fast).</param>
/// <param name="Coverage">Under coverage: every process's hits, merged (its planner's warnings too).</param>
/// <param name="CoverageReport">Under coverage: the report made from them, once.</param>
/// <param name="Profiles">Under profiling: every process's samples, by test.</param>
public sealed record RunSummary(
    IReadOnlyList<FinishedTest> Results,
    IReadOnlyList<RepeatedTest> Repeated,
    int Listed,
    int Selected,
    TimeSpan Elapsed,
    bool Cancelled,
    CoverageCollector? Coverage,
    CoverageReport? CoverageReport,
    ProfileCollector? Profiles)
{
    public bool FlakyFails { get; init; }

    /// <summary>Under <c>--affected</c>: how many of <see cref="Results"/> are tests the change does not reach (not run, with the reason).</summary>
    public int NotAffected { get; init; }

    /// <summary>How many measured passes the run asked for (<c>--repeat</c>).</summary>
    public int MeasuredPasses { get; init; } = 1;

    /// <summary>The tests that fail the run.</summary>
    public IEnumerable<FinishedTest> Failed => Results.Where(r => r.Fails(FlakyFails));

    /// <summary>With more than one measured pass: each test's measured durations in seconds, by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>>? Samples => MeasuredPasses > 1
        ? Repeated.ToDictionary(t => t.Final.Test.FullyQualifiedName, t => (IReadOnlyList<double>)[.. t.Measured.Select(m => m.Result.Duration.TotalSeconds)], StringComparer.Ordinal)
        : null;
}

/// <summary>A consumer of a run's events. Called one event at a time, never concurrently, from the run's threads.</summary>
public interface IRunSink
{
    void Handle(RunEvent runEvent);
}
