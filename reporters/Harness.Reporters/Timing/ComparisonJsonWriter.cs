using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Core.History.Comparison;

namespace Harness.Reporters.Timing;

/// <summary>A timing comparison as JSON (schema version 1): every name with its verdict, estimates and raw samples in seconds.</summary>
public static class ComparisonJsonWriter
{
    public static void Write(ComparisonReport report, Stream output)
    {
        var document = new ComparisonDocument(1, report.Baseline, report.Current, report.Options.Threshold, report.Options.Confidence, report.AnySlower,
            [.. report.Items.Select(i => new ComparisonEntry(i.Name, TimingText.Verdict(i.Verdict), i.BaselineMedian, i.CurrentMedian, i.Ratio, i.RatioLow, i.RatioHigh,
                Finite(i.PValue), i.Noise, i.EffectiveThreshold, i.Baseline, i.Current))]);
        JsonSerializer.Serialize(output, document, ComparisonJson.Default.ComparisonDocument);
    }

    /// <summary>JSON has no NaN: a test on two samples of identical values has no defined p-value.</summary>
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}

internal sealed record ComparisonDocument(
    int SchemaVersion, string Baseline, string Current, double Threshold, double Confidence, bool Regressed, IReadOnlyList<ComparisonEntry> Tests);

internal sealed record ComparisonEntry(
    string Name, string Verdict, double? BaselineMedian, double? CurrentMedian, double? Ratio, double? RatioLow, double? RatioHigh,
    double? PValue, double Noise, double EffectiveThreshold, IReadOnlyList<double> BaselineSamples, IReadOnlyList<double> CurrentSamples);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ComparisonDocument))]
internal sealed partial class ComparisonJson : JsonSerializerContext;
