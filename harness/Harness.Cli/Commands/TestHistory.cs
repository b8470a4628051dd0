using Harness.Core.History;

namespace Harness.Cli.Commands;

/// <summary>How <c>harness test</c> records a run into the timing history (with the build unless told otherwise: <see cref="HistoryLocation"/>).</summary>
internal static class TestHistory
{
    public const string OptionDescription = "Timing history database (default: $HARNESS_HISTORY, else with the build: target/harness/history.db for cargo, BUILD/harness/history.db for CMake).";

    /// <summary>The history file of a run of <paramref name="suites"/>: <paramref name="given"/> when set.</summary>
    public static string PathFor(string? given, IReadOnlyList<string>? suites) => HistoryLocation.Resolve(given, suites);

    /// <summary>The run's metadata, taken when it starts (commit and branch of the current directory).</summary>
    public static RunInfo Start(IEnumerable<string> suites, int repeat, int warmup) =>
        RunMetadata.Capture(Environment.CurrentDirectory, suites, repeat, warmup);
}
