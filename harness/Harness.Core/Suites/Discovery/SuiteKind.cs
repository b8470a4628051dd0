namespace Harness.Core.Suites.Discovery;

/// <summary>What a path given to <see cref="SuiteDiscovery.Discover"/> is.</summary>
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
