using System.Text.Json.Serialization;

namespace Harness.Core.Model;

/// <summary>
/// How one run of one test ended: the one outcome type from the frameworks' runners to every writer. Flakiness is
/// decided by the scheduler across attempts, not here. The JSON names are the ones <c>results.json</c> has always had.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<TestOutcome>))]
public enum TestOutcome
{
    /// <summary>The framework reported it passed (plain binaries: exit code 0).</summary>
    [JsonStringEnumMemberName("passed")]
    Passed,

    /// <summary>The framework reported a failure (plain binaries: a non-zero exit code).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not run: ignored, disabled or hidden without "run ignored", or skipped by the test itself.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    /// <summary>Still running when its timeout expired; its process group was terminated.</summary>
    [JsonStringEnumMemberName("timedout")]
    TimedOut,

    /// <summary>The process died while running it (a signal, or an exit the framework does not make on a failure).</summary>
    [JsonStringEnumMemberName("crashed")]
    Crashed,

    /// <summary>Running when the run was cancelled (Ctrl-C, a signal, an IDE's stop); its process group was killed.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>Selected but never started: the run was cancelled or stopped by fail-fast first.</summary>
    [JsonStringEnumMemberName("not-run")]
    NotRun,
}

/// <summary>What an outcome means to a run, decided here once for the engine, the writers and the front ends.</summary>
public static class TestOutcomes
{
    /// <summary>Failed, crashed or timed out: the test's own verdict is a failure.</summary>
    public static bool IsFailure(this TestOutcome outcome) => outcome is TestOutcome.Failed or TestOutcome.Crashed or TestOutcome.TimedOut;

    /// <summary>Whether another attempt could change the verdict (a failure; never a pass, a skip or an interruption).</summary>
    public static bool IsRetryable(this TestOutcome outcome) => outcome.IsFailure();

    /// <summary>
    /// Whether a run counts the test as failed: a failure, a test the cancel interrupted (a run that did not finish
    /// its tests is not green), or a flaky pass when flaky tests fail the run. A test never started fails nothing by
    /// itself: it is neither passed nor failed.
    /// </summary>
    public static bool Fails(TestOutcome outcome, bool flaky, bool flakyFails) =>
        outcome.IsFailure() || outcome == TestOutcome.Cancelled || (flaky && flakyFails && outcome == TestOutcome.Passed);

    /// <summary>Whether the test got to run at all (<see cref="TestOutcome.NotRun"/> did not; a cancelled one started).</summary>
    public static bool Ran(this TestOutcome outcome) => outcome != TestOutcome.NotRun;

    /// <summary>Whether its duration is a measure of the test (not cut short by a cancel, not a test that never ran): what the timing history keeps.</summary>
    public static bool IsTimed(this TestOutcome outcome) => outcome is not (TestOutcome.Cancelled or TestOutcome.NotRun);

    /// <summary>Whether a run counts the test as passed: passed, and not flaky when flaky tests fail the run.</summary>
    public static bool CountsAsPassed(TestOutcome outcome, bool flaky, bool flakyFails) => outcome == TestOutcome.Passed && !(flaky && flakyFails);

    /// <summary>The name <c>results.json</c>, JUnit types and the history use (<c>passed</c>, <c>timedout</c>, <c>not-run</c>).</summary>
    public static string Name(this TestOutcome outcome) => outcome switch
    {
        TestOutcome.Passed => "passed",
        TestOutcome.Failed => "failed",
        TestOutcome.Skipped => "skipped",
        TestOutcome.TimedOut => "timedout",
        TestOutcome.Crashed => "crashed",
        TestOutcome.Cancelled => "cancelled",
        TestOutcome.NotRun => "not-run",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown outcome"),
    };
}
