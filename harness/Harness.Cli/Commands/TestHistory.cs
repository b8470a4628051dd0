using System.Globalization;
using Harness.Core.History;
using Harness.Core.Suites.Running;

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

    public static IReadOnlyDictionary<string, IReadOnlyList<double>> Durations(IReadOnlyList<RepeatedTest> tests) =>
        tests.ToDictionary(t => t.Final.Test.FullyQualifiedName, t => (IReadOnlyList<double>)[.. t.Measured.Select(m => m.Result.Duration.TotalSeconds)], StringComparer.Ordinal);

    /// <summary>Records every measured run of every test; returns the line to print. A history that cannot be written
    /// is reported on stderr but does not fail the test run: the tests' outcomes stand on their own.</summary>
    public static string? Record(string path, RunInfo run, IReadOnlyList<RepeatedTest> tests)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var samples = tests.SelectMany(t => t.Measured.Select((m, i) =>
            new TimingSample(m.Test.FullyQualifiedName, i, m.Result.Duration.TotalSeconds, m.Result.Outcome.ToString().ToLowerInvariant()))).ToList();
        try
        {
            using var store = SqliteHistoryStore.Open(path);
            var recorded = store.Record(run, samples);
            return string.Create(CultureInfo.InvariantCulture,
                $"harness: timing history: run {recorded.Id}, {samples.Count} samples recorded in {path} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
        }
        catch (HistoryException e)
        {
            Console.Error.WriteLine($"harness: {e.Message}");
            return null;
        }
    }
}
