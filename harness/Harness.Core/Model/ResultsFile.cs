using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Core.Coverage;

namespace Harness.Core.Model;

/// <summary>
/// <c>results.json</c>, schema version 1: run metadata and every test with outcome, duration, output, location.
/// Written by <c>harness test</c>; read back by reports and timing comparisons.
/// </summary>
/// <param name="TestsByLine">With --per-test-coverage: source file → line → the tests that ran it.</param>
public sealed record ResultsFile(
    int SchemaVersion, string Harness, DateTimeOffset Finished, double Seconds, string Machine, int Cores, int Listed, IReadOnlyList<ResultEntry> Tests,
    SortedDictionary<string, SortedDictionary<int, List<string>>>? TestsByLine)
{
    public const int CurrentSchemaVersion = 1;

    /// <param name="samples">With <c>--repeat</c>: each test's measured durations in seconds, by name.</param>
    public static ResultsFile From(
        IReadOnlyList<FinishedTest> results, int listed, TimeSpan elapsed, SortedDictionary<string, SortedDictionary<int, List<string>>>? testsByLine,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? samples = null) => new(
        CurrentSchemaVersion,
        typeof(ResultsFile).Assembly.GetName().Version?.ToString() ?? "0",
        DateTimeOffset.UtcNow,
        elapsed.TotalSeconds,
        Environment.MachineName,
        Environment.ProcessorCount,
        listed,
        [.. results.Select(r => ResultEntry.From(r, samples?.GetValueOrDefault(r.Test.FullyQualifiedName)))],
        testsByLine);

    /// <summary>
    /// Which tests ran each line, as the coverage model holds it (<see cref="LineCoverage.Tests"/>): the view
    /// <c>results.json</c> carries, made from the report, never gathered apart from it.
    /// </summary>
    public static SortedDictionary<string, SortedDictionary<int, List<string>>> TestsByLineOf(CoverageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var result = new SortedDictionary<string, SortedDictionary<int, List<string>>>(StringComparer.Ordinal);
        foreach (var file in report.Files)
        {
            var lines = new SortedDictionary<int, List<string>>();
            foreach (var line in file.Lines)
            {
                if (line.Tests is { Count: > 0 } tests)
                {
                    lines[line.Line] = lines.TryGetValue(line.Line, out var existing) ? [.. existing.Union(tests).Order(StringComparer.Ordinal)] : [.. tests];
                }
            }
            if (lines.Count > 0)
            {
                result[file.Path] = result.TryGetValue(file.Path, out var merged) ? Merge(merged, lines) : lines;
            }
        }
        return result;
    }

    private static SortedDictionary<int, List<string>> Merge(SortedDictionary<int, List<string>> into, SortedDictionary<int, List<string>> more)
    {
        foreach (var (line, tests) in more)
        {
            into[line] = into.TryGetValue(line, out var existing) ? [.. existing.Union(tests).Order(StringComparer.Ordinal)] : tests;
        }
        return into;
    }

    public void Write(Stream output) => JsonSerializer.Serialize(output, this, ResultsJson.Default.ResultsFile);

    /// <summary>Reads a results file; a file that is not one (bad JSON, another schema) throws <see cref="InvalidDataException"/> naming it.</summary>
    public static ResultsFile Read(string path)
    {
        using var input = File.OpenRead(path);
        return Read(path, input);
    }

    /// <summary>Reads a results file already in memory; <paramref name="path"/> names it in errors.</summary>
    public static ResultsFile Read(string path, byte[] content)
    {
        using var input = new MemoryStream(content, writable: false);
        return Read(path, input);
    }

    private static ResultsFile Read(string path, Stream input)
    {
        try
        {
            var file = JsonSerializer.Deserialize(input, ResultsJson.Default.ResultsFile)
                ?? throw new InvalidDataException($"{path}: not a harness results file (null)");
            if (file.SchemaVersion is < 1 or > CurrentSchemaVersion)
            {
                throw new InvalidDataException($"{path}: results schema version {file.SchemaVersion} is not supported (this harness reads 1–{CurrentSchemaVersion})");
            }
            return file;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a harness results file: {e.Message}", e);
        }
    }
}

/// <summary>One test's final result in <c>results.json</c>.</summary>
/// <param name="Samples">With <c>--repeat</c>: the durations of its measured runs in seconds (warm-ups excluded); absent otherwise.</param>
public sealed record ResultEntry(
    string FullyQualifiedName, string DisplayName, string Suite, string BinaryId, string Binary, TestOutcome Outcome, bool Flaky, int Attempts,
    double Seconds, DateTimeOffset Started, string? File, int? Line, string? FailureMessage, string? FailureFile, int? FailureLine,
    int? ExitCode, int? Signal, string StandardOutput, string StandardError,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<double>? Samples = null)
{
    /// <summary>Writes test results as a JSON array, with the same field names as <c>results.json</c>.</summary>
    public static void WriteAll(Utf8JsonWriter writer, IReadOnlyList<ResultEntry> entries) =>
        JsonSerializer.Serialize(writer, entries as List<ResultEntry> ?? [.. entries], ResultsJson.Default.ListResultEntry);

    /// <summary>Reads a JSON array written by <see cref="WriteAll"/>.</summary>
    public static List<ResultEntry> ReadAll(JsonElement array) =>
        array.Deserialize(ResultsJson.Default.ListResultEntry) ?? [];

    /// <summary>Whether the run counts it as failed (<see cref="TestOutcomes.Fails"/>, as for the engine's own results).</summary>
    public bool Fails(bool flakyFails) => TestOutcomes.Fails(Outcome, Flaky, flakyFails);

    /// <summary>The one place the engine's result becomes the file's.</summary>
    public static ResultEntry From(FinishedTest finished, IReadOnlyList<double>? samples = null)
    {
        var r = finished.Result;
        var test = r.Test;
        return new(test.FullyQualifiedName, test.DisplayName, test.Binary.Suite, test.Binary.BinaryId, test.Binary.Path,
            r.Outcome, finished.IsFlaky, finished.Attempts, r.Duration.TotalSeconds, r.Started,
            test.SourceFile, test.SourceLine, r.FailureMessage, r.FailureFile, r.FailureLine, r.ExitCode, r.Signal, r.StandardOutput, r.StandardError, samples);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ResultsFile))]
[JsonSerializable(typeof(List<ResultEntry>))]
internal sealed partial class ResultsJson : JsonSerializerContext;
