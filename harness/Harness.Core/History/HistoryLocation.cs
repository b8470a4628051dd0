using Harness.Core.Suites.Discovery;

namespace Harness.Core.History;

/// <summary>
/// Where the timing history of a suite lives when no <c>--history</c> says: with the build, never in whatever
/// directory harness was started from. <c>HARNESS_HISTORY</c> names one file for every suite (CI caches it).
/// </summary>
/// <remarks>
/// A cargo package or workspace keeps it in its target directory (<c>target/harness/history.db</c>, or under
/// CARGO_TARGET_DIR / <c>.cargo/config</c>'s target-dir, as <c>cargo metadata</c> resolves them); a CMake build
/// directory in <c>BUILD/harness/history.db</c>; a test binary in <c>harness/history.db</c> beside it. So
/// <c>cargo clean</c> or deleting the build directory takes the history with it, as it does the binaries it timed.
/// </remarks>
public static class HistoryLocation
{
    public const string EnvironmentVariable = "HARNESS_HISTORY";

    private const string FileName = "history.db";

    /// <summary>The history file for a run of <paramref name="suites"/> (the first one decides; none = the current directory).</summary>
    /// <param name="given">The path the user gave (<c>--history</c>), which wins when not empty.</param>
    public static string Resolve(string? given, IReadOnlyList<string>? suites)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        var suite = Path.GetFullPath(suites is { Count: > 0 } ? suites[0] : ".");
        if (File.Exists(suite))
        {
            return Path.Combine(Path.GetDirectoryName(suite)!, "harness", FileName);
        }
        if (File.Exists(Path.Combine(suite, "Cargo.toml")))
        {
            return Path.Combine(CargoTargetDirectory(suite), "harness", FileName);
        }
        return Path.Combine(suite, "harness", FileName);
    }

    private static string CargoTargetDirectory(string directory)
    {
        try
        {
            return CargoMetadata.Read(directory, null, _ => { }).TargetDirectory;
        }
        catch (SuiteException)
        {
            // A manifest cargo cannot read fails the run's listing with cargo's own message; the history path only
            // has to be somewhere sensible meanwhile.
            return Path.Combine(directory, "target");
        }
    }
}
