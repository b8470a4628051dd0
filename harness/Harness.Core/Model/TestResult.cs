namespace Harness.Core.Model;

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
    int? Signal)
{
    /// <summary>A result for a test that never ran: skipped (with the reason), or not run because the run stopped first.</summary>
    public static TestResult WithoutRun(TestCase test, TestOutcome outcome, string? reason) =>
        new(test, outcome, TimeSpan.Zero, DateTimeOffset.Now, "", "", reason, null, null, null, null);
}
