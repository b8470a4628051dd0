namespace Harness.Core.Model;

/// <summary>
/// The properties of one CTest entry beyond its command, working directory, environment, timeout and labels (which
/// every <see cref="TestBinary"/> has): those that change its verdict, when it may run, and beside what. Read from
/// <c>ctest --show-only=json-v1</c>; the names are CTest's.
/// </summary>
/// <param name="Name">The entry's name as ctest shows it: what <c>DEPENDS</c> of other entries name.</param>
public sealed record CTestProperties(string Name)
{
    /// <summary>The names of further entries it stands for (<c>gtest_discover_tests</c> entries of one binary, merged into it).</summary>
    public IReadOnlyList<string> AlsoNamed { get; init; } = [];

    /// <summary>WILL_FAIL: the verdict on a normal exit is inverted (a crash or timeout still fails).</summary>
    public bool WillFail { get; init; }

    /// <summary>PASS_REGULAR_EXPRESSION: passed when the output matches any (the exit code is then ignored).</summary>
    public IReadOnlyList<string> PassRegularExpressions { get; init; } = [];

    /// <summary>FAIL_REGULAR_EXPRESSION: failed when the output matches any.</summary>
    public IReadOnlyList<string> FailRegularExpressions { get; init; } = [];

    /// <summary>SKIP_REGULAR_EXPRESSION: skipped when the output matches any.</summary>
    public IReadOnlyList<string> SkipRegularExpressions { get; init; } = [];

    /// <summary>SKIP_RETURN_CODE: skipped when the process exits with it.</summary>
    public int? SkipReturnCode { get; init; }

    /// <summary>DISABLED: listed, never run unless ignored tests are run.</summary>
    public bool Disabled { get; init; }

    /// <summary>REQUIRED_FILES: a missing one means the entry is not run (ctest counts it as failed).</summary>
    public IReadOnlyList<string> RequiredFiles { get; init; } = [];

    /// <summary>DEPENDS: entries (by name) that must finish before this one starts, when they are in the run. ctest adds the fixture order here itself.</summary>
    public IReadOnlyList<string> Depends { get; init; } = [];

    /// <summary>FIXTURES_SETUP: fixtures this entry sets up; a failure leaves their dependents not run.</summary>
    public IReadOnlyList<string> FixturesSetup { get; init; } = [];

    /// <summary>FIXTURES_CLEANUP: fixtures this entry cleans up (it runs after their dependents, whatever their verdicts).</summary>
    public IReadOnlyList<string> FixturesCleanup { get; init; } = [];

    /// <summary>FIXTURES_REQUIRED: fixtures whose setup must have passed for this entry to run.</summary>
    public IReadOnlyList<string> FixturesRequired { get; init; } = [];

    /// <summary>RESOURCE_LOCK: no two entries holding one lock run at once.</summary>
    public IReadOnlyList<string> ResourceLocks { get; init; } = [];

    /// <summary>RUN_SERIAL: runs with nothing else running.</summary>
    public bool RunSerial { get; init; }

    /// <summary>PROCESSORS: the job slots it takes (at most all of them).</summary>
    public int Processors { get; init; } = 1;
}
