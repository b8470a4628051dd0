using System.Globalization;
using System.Text.Json;
using Harness.Core.Coverage;
using Harness.Core.Model;

namespace Harness.Core.Reports.Formats;

/// <summary>
/// Reads the harness JSON report (<c>"format": "harness-report"</c>, versions 1 to <see cref="CurrentVersion"/>);
/// its schema is documented at <c>Harness.Reporters.Json.HarnessJsonWriter</c>, which writes it.
/// </summary>
public static class HarnessJsonReader
{
    public const int CurrentVersion = 1;

    internal static ReportData Read(string path, byte[] content)
    {
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64 });
        var root = document.RootElement;
        var version = root.GetProperty("version").GetInt32();
        if (version is < 1 or > CurrentVersion)
        {
            throw new InvalidDataException($"harness report version {version} is not supported (this harness reads 1–{CurrentVersion})");
        }
        var timestamp = root.TryGetProperty("timestamp", out var time) ? DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture) : DateTimeOffset.UnixEpoch;
        var files = root.GetProperty("files").EnumerateArray().Select(ReadFile).ToList();
        var tests = root.TryGetProperty("tests", out var array) ? ResultEntry.ReadAll(array) : [];
        return new ReportData(ReportInputs.Coverage(files, timestamp), tests);
    }

    private static FileCoverage ReadFile(JsonElement file) => new(
        file.GetProperty("path").GetString()!,
        file.TryGetProperty("module", out var module) ? module.GetString() ?? "" : "",
        [.. file.GetProperty("lines").EnumerateArray().Select(ReadLine)],
        [.. file.GetProperty("functions").EnumerateArray().Select(f => new FunctionCoverage(
            f.GetProperty("name").GetString()!,
            f.GetProperty("line").GetInt32(),
            f.GetProperty("endLine").GetInt32(),
            NonNegative(f.GetProperty("hits").GetInt64()),
            !f.TryGetProperty("hasCode", out var hasCode) || hasCode.GetBoolean()))]);

    private static LineCoverage ReadLine(JsonElement line) => new(
        line.GetProperty("line").GetInt32(),
        NonNegative(line.GetProperty("hits").GetInt64()),
        line.TryGetProperty("branches", out var branches)
            ? [.. branches.EnumerateArray().Select(b => new BranchArm(
                b.GetProperty("block").GetInt32(),
                b.GetProperty("arm").GetInt32(),
                b.GetProperty("taken").ValueKind == JsonValueKind.Null ? null : NonNegative(b.GetProperty("taken").GetInt64())))]
            : null,
        line.TryGetProperty("tests", out var tests) ? [.. tests.EnumerateArray().Select(t => t.GetString()!)] : null);

    private static long NonNegative(long count) => count >= 0 ? count : throw new InvalidDataException($"negative count {count}");
}
