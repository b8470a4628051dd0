using System.Text.Encodings.Web;
using System.Text.Json;
using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Reports;
using Harness.Core.Reports.Formats;

namespace Harness.Reporters.Reports;

/// <summary>
/// The harness JSON report, <c>harness-report.json</c>: everything a merged report knows, for tools and for merging
/// again later (<c>harness report</c> reads it back losslessly).
/// </summary>
/// <remarks>
/// Schema, version 1 (a reader must refuse versions it does not know; fields are only ever added within a version):
/// <code>
/// {
///   "format": "harness-report",          // always first: sniffers look for it
///   "version": 1,
///   "title": "…",
///   "timestamp": "2026-01-01T00:00:00+00:00",   // ISO 8601, the latest input's
///   "totals": { "lines":     { "covered": 0, "valid": 0 },
///               "branches":  { "covered": 0, "valid": 0 },   // branch arms
///               "functions": { "covered": 0, "valid": 0 },
///               "tests":     { "total": 0, "failed": 0 } },
///   "files": [ { "path": "/abs/src/lib.rs", "module": "calc",
///                "lines": [ { "line": 3, "hits": 1,
///                             "branches": [ { "block": 0, "arm": 0, "taken": 1 } ],  // optional; taken null = unknown
///                             "tests": [ "calc.tests.adds" ] } ],                       // optional
///                "functions": [ { "name": "calc::add", "line": 3, "endLine": 5, "hits": 1, "hasCode": true } ] } ],
///   "tests": [ /* results.json test entries: fullyQualifiedName, suite, outcome, seconds, … */ ],
///   "patch": { "base": "1a2b3c4d5e6f", "covered": 1, "coverable": 2,   // only with --diff-base; not read back
///              "files": [ { "path": "src/lib.rs", "covered": 1, "coverable": 2, "uncovered": [ 12 ] } ] }
/// }
/// </code>
/// Files are sorted by path, lines by number, functions by line then name; totals are derived and ignored on read.
/// </remarks>
public sealed class HarnessJsonWriter : IReportWriter
{
    public const string FileName = "harness-report.json";

    string IReportWriter.Name => "json";

    string IReportWriter.FileName => FileName;

    void IReportWriter.Write(ReportData data, ReportOptions options, Stream output) => Write(data, options.Title, output);

    public static void Write(ReportData data, string title, Stream output)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(output);
        // Relaxed escaping keeps paths readable (no \u002F); the output is JSON, never embedded in HTML.
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var coverage = data.Coverage;
        json.WriteStartObject();
        json.WriteString("format", "harness-report");
        json.WriteNumber("version", HarnessJsonReader.CurrentVersion);
        json.WriteString("title", title);
        json.WriteString("timestamp", coverage.Timestamp);
        json.WriteStartObject("totals");
        WriteTotal(json, "lines", coverage.LinesCovered, coverage.LinesValid);
        WriteTotal(json, "branches", coverage.BranchesCovered, coverage.BranchesValid);
        WriteTotal(json, "functions", coverage.FunctionsCovered, coverage.FunctionsValid);
        json.WriteStartObject("tests");
        json.WriteNumber("total", data.Tests.Count);
        json.WriteNumber("failed", data.FailedTests.Count());
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("files");
        foreach (var file in coverage.Files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            WriteFile(json, file);
        }
        json.WriteEndArray();
        json.WritePropertyName("tests");
        ResultEntry.WriteAll(json, data.Tests);
        if (data.Patch is { } patch)
        {
            WritePatch(json, patch);
        }
        json.WriteEndObject();
    }

    private static void WritePatch(Utf8JsonWriter json, PatchCoverage patch)
    {
        json.WriteStartObject("patch");
        json.WriteString("base", patch.Base);
        json.WriteNumber("covered", patch.Covered);
        json.WriteNumber("coverable", patch.Coverable);
        json.WriteStartArray("files");
        foreach (var file in patch.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteNumber("covered", file.Covered.Count);
            json.WriteNumber("coverable", file.Coverable);
            json.WriteStartArray("uncovered");
            foreach (var line in file.Uncovered)
            {
                json.WriteNumberValue(line);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTotal(Utf8JsonWriter json, string name, int covered, int valid)
    {
        json.WriteStartObject(name);
        json.WriteNumber("covered", covered);
        json.WriteNumber("valid", valid);
        json.WriteEndObject();
    }

    private static void WriteFile(Utf8JsonWriter json, FileCoverage file)
    {
        json.WriteStartObject();
        json.WriteString("path", file.Path);
        json.WriteString("module", file.Module);
        json.WriteStartArray("lines");
        foreach (var line in file.Lines.OrderBy(l => l.Line))
        {
            json.WriteStartObject();
            json.WriteNumber("line", line.Line);
            json.WriteNumber("hits", line.Hits);
            if (line.Branches is { } branches)
            {
                json.WriteStartArray("branches");
                foreach (var arm in branches)
                {
                    json.WriteStartObject();
                    json.WriteNumber("block", arm.Block);
                    json.WriteNumber("arm", arm.Arm);
                    if (arm.Taken is { } taken)
                    {
                        json.WriteNumber("taken", taken);
                    }
                    else
                    {
                        json.WriteNull("taken");
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (line.Tests is { } tests)
            {
                json.WriteStartArray("tests");
                foreach (var test in tests)
                {
                    json.WriteStringValue(test);
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("functions");
        foreach (var function in file.Functions.OrderBy(f => f.Line).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", function.Name);
            json.WriteNumber("line", function.Line);
            json.WriteNumber("endLine", function.EndLine);
            json.WriteNumber("hits", function.Hits);
            json.WriteBoolean("hasCode", function.HasCode);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
