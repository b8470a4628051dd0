namespace Harness.Core.Model;

/// <summary>What a path given to discovery is.</summary>
public enum SuiteKind
{
    /// <summary>Decide from the path: a directory with <c>Cargo.toml</c>, a CMake build directory, or an executable.</summary>
    Auto,

    /// <summary>A cargo package or workspace directory: built with <c>cargo test --no-run</c>.</summary>
    Cargo,

    /// <summary>A configured and built CMake build directory (holds <c>CTestTestfile.cmake</c>), listed by CTest.</summary>
    CMake,

    /// <summary>One test executable, its framework sniffed from its bytes.</summary>
    Binary,
}

/// <summary>
/// One suite and its own settings, as <c>harness test SUITE</c> and a <c>&lt;NativeTestSuite&gt;</c> item of a test
/// project (the adapter's manifest) both give it. Its settings win over what the build system declared.
/// </summary>
/// <param name="Path">A cargo directory, a CMake build directory or a test executable.</param>
/// <param name="Kind">What the path is (<see cref="SuiteKind.Auto"/> sniffs it).</param>
public sealed record SuiteSpec(string Path, SuiteKind Kind = SuiteKind.Auto)
{
    /// <summary>Per-test timeout for this suite, over what the build system declared (CTest TIMEOUT).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Where its tests run, over the build system's choice.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set for its tests on top of the build system's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Filter expressions (<c>!name</c> excludes) that decide which of its tests belong to it at all.</summary>
    public IReadOnlyList<string> Filters { get; init; } = [];

    /// <summary>Variables for the build and listing tools (cargo, ctest; e.g. <c>CARGO_TARGET_DIR</c>); a null value removes one. Not passed to the tests.</summary>
    public IReadOnlyDictionary<string, string?> BuildEnvironment { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>
    /// For a cargo suite: cargo's own options for <c>cargo test --no-run</c>, each one argument as cargo takes it
    /// (<c>--package</c>, <c>calc</c>, <c>--features</c>, <c>a,b</c>, <c>--release</c>, <c>--offline</c>…): which packages and
    /// targets are tested and how they are built. As for <c>cargo test</c>, a root package with members tests only itself
    /// unless <c>--workspace</c> is among them.
    /// </summary>
    public IReadOnlyList<string> CargoArguments { get; init; } = [];

    /// <summary>The suite's settings applied to a binary it discovered.</summary>
    public TestBinary Apply(TestBinary binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        if (Timeout is null && WorkingDirectory is null && Environment.Count == 0)
        {
            return binary;
        }
        var environment = new Dictionary<string, string>(binary.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in Environment)
        {
            environment[name] = value;
        }
        return binary with
        {
            WorkingDirectory = WorkingDirectory ?? binary.WorkingDirectory,
            Environment = environment,
            Timeout = Timeout ?? binary.Timeout,
        };
    }
}
