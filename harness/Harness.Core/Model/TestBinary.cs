using System.Text.Json.Serialization;

namespace Harness.Core.Model;

/// <summary>The test framework a binary speaks, which decides how it is listed and run.</summary>
public enum TestFramework
{
    /// <summary>Rust's libtest (<c>cargo test</c> binaries).</summary>
    LibTest,

    /// <summary>GoogleTest.</summary>
    GoogleTest,

    /// <summary>Catch2 v2.</summary>
    Catch2,

    /// <summary>Any other executable: one test, passed when it exits 0 (CTest's model).</summary>
    Plain,
}

/// <summary>
/// One executable that holds tests, with everything needed to run it as its build system would.
/// </summary>
/// <param name="Path">Absolute path of the executable.</param>
/// <param name="Suite">The suite it belongs to (e.g. <c>rust</c>, <c>cpp-gtest</c>): the first part of test names.</param>
/// <param name="BinaryId">A stable id within the suite, never a build hash: for cargo <c>calc.lib</c>,
/// <c>calc.test.integration</c>; for CTest the test's name; for a direct binary its file name.</param>
/// <param name="Framework">How to list and run it.</param>
/// <param name="WorkingDirectory">Where it runs (cargo: the package's manifest dir; CTest: WORKING_DIRECTORY or the build dir).</param>
/// <param name="Environment">Variables set on top of harness's environment (cargo's CARGO_*; CTest's ENVIRONMENT).</param>
/// <param name="Arguments">Fixed arguments before any framework arguments (a CTest command's own arguments).</param>
/// <param name="Timeout">A per-test timeout the build system declared (CTest TIMEOUT), if any.</param>
/// <param name="Labels">Labels the build system declared (CTest LABELS).</param>
public sealed record TestBinary(
    string Path,
    string Suite,
    string BinaryId,
    TestFramework Framework,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> Arguments,
    TimeSpan? Timeout,
    IReadOnlyList<string> Labels)
{
    /// <summary>Where the build system declares it (CTest: the <c>add_test</c> call), the source of a plain test.</summary>
    public SourceLocation? DeclaredAt { get; init; }

    /// <summary>Changes made to its environment when it starts, after <see cref="Environment"/> (CTest's ENVIRONMENT_MODIFICATION).</summary>
    public IReadOnlyList<EnvironmentChange> EnvironmentChanges { get; init; } = [];

    /// <summary>
    /// The framework names of the tests it holds, when its build system named them one by one
    /// (<c>gtest_discover_tests</c> entries merged into one binary); null: every test it lists.
    /// </summary>
    public IReadOnlyList<string>? Selected { get; init; }

    /// <summary>What decides how its process runs, beside the path: tests of binaries with equal keys may share a process.</summary>
    [JsonIgnore]
    public string ProcessKey => string.Join('\u001e',
        Suite, BinaryId, Path, WorkingDirectory, Timeout?.Ticks, string.Join('\u001f', Arguments), string.Join('\u001f', Labels),
        string.Join('\u001f', Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")),
        string.Join('\u001f', EnvironmentChanges));

    /// <summary>Why its tests could not be listed: it is then one test that fails with this message, not run.</summary>
    public string? ListingError { get; init; }

    /// <summary>The CTest entry it came from, with the properties that decide its verdict and scheduling; null outside CTest.</summary>
    public CTestProperties? CTest { get; init; }
}
