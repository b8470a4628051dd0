namespace Harness.Core.History;

/// <summary>One recorded <c>harness test</c> run: where and from what it ran.</summary>
/// <param name="Id">The store's id; runs are numbered in the order they were recorded (0 before recording).</param>
/// <param name="Started">When the run started (UTC).</param>
/// <param name="Commit">The git commit of the working directory, when it is in a repository.</param>
/// <param name="Branch">The git branch, when on one (not detached).</param>
/// <param name="Machine">The machine's host name: timings from different machines rarely compare.</param>
/// <param name="Cores">Logical processors of the machine.</param>
/// <param name="HarnessVersion">The harness that measured it.</param>
/// <param name="Suites">The suites as given on the command line, joined by spaces.</param>
/// <param name="Repeat">Measured runs of each test.</param>
/// <param name="Warmup">Discarded runs of each test before them.</param>
public sealed record RunInfo(
    long Id, DateTimeOffset Started, string? Commit, string? Branch, string Machine, int Cores, string HarnessVersion, string Suites, int Repeat, int Warmup)
{
    /// <summary>The top level of the git working tree the run started in (not stored: impact maps are kept relative to it).</summary>
    public string? Repository { get; init; }
}

/// <summary>One measured run of one test.</summary>
/// <param name="Test">The test's fully qualified name.</param>
/// <param name="Iteration">Which measured pass (0-based, warm-ups excluded).</param>
/// <param name="Seconds">How long it ran.</param>
/// <param name="Outcome">How it ended (<c>passed</c>, <c>failed</c>…, as in results.json).</param>
public sealed record TimingSample(string Test, int Iteration, double Seconds, string Outcome)
{
    /// <summary>The content hash of the test's binary (<see cref="SqliteHistoryStore.HashBinaries"/>); null in runs recorded before schema 2.</summary>
    public string? Binary { get; init; }

    /// <summary>Why it did not pass, when it did not.</summary>
    public string? Message { get; init; }

    /// <summary>Only passing runs time the code under test; a failure may stop anywhere.</summary>
    public bool Passed => Outcome == "passed";
}
