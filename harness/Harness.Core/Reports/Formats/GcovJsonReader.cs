using System.Text.Json;
using Harness.Core.Coverage;

namespace Harness.Core.Reports.Formats;

/// <summary>
/// Reads <c>gcov --json-format</c> output (format_version 1 and 2, gcc 9–14): per file, lines with counts and
/// branch arms, and functions with their line ranges. File names are relative to <c>current_working_directory</c>.
/// </summary>
/// <remarks>
/// gcov lists a line once per function instance that has code on it (templates, inlined copies): the instances
/// are merged like any other coverage. A branch on a line that never ran has an unknown count, as geninfo
/// writes <c>-</c> for it.
/// </remarks>
internal static class GcovJsonReader
{
    public static CoverageReport Read(string path, byte[] content)
    {
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64 });
        var root = document.RootElement;
        var directory = root.TryGetProperty("current_working_directory", out var cwd) ? cwd.GetString() ?? "" : "";
        var module = root.TryGetProperty("data_file", out var dataFile) ? Path.GetFileNameWithoutExtension(dataFile.GetString() ?? "") : "";
        var files = new List<FileCoverage>();
        foreach (var file in Array(root, "files"))
        {
            var name = file.GetProperty("file").GetString() ?? throw new InvalidDataException("a file has no name");
            var fullName = name.StartsWith('/') || directory.Length == 0 ? name : directory.TrimEnd('/') + "/" + name;
            var lines = new List<LineCoverage>();
            foreach (var line in Array(file, "lines"))
            {
                var number = line.GetProperty("line_number").GetInt32();
                var count = NonNegative(line.GetProperty("count").GetInt64(), name, number);
                var arms = Array(line, "branches").Select((b, i) => new BranchArm(0, i, count == 0 ? null : NonNegative(b.GetProperty("count").GetInt64(), name, number))).ToList();
                lines.Add(new LineCoverage(number, count, arms.Count > 0 ? arms : null));
            }
            var functions = Array(file, "functions").Select(f => new FunctionCoverage(
                (f.TryGetProperty("demangled_name", out var demangled) ? demangled : f.GetProperty("name")).GetString() ?? "",
                f.GetProperty("start_line").GetInt32(),
                f.GetProperty("end_line").GetInt32(),
                NonNegative(f.GetProperty("execution_count").GetInt64(), name, f.GetProperty("start_line").GetInt32()))).ToList();
            files.Add(new FileCoverage(fullName, module, lines, functions));
        }
        return ReportInputs.Coverage(files, DateTimeOffset.UnixEpoch);
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : default;

    private static long NonNegative(long count, string file, int line) =>
        count >= 0 ? count : throw new InvalidDataException($"{file}:{line}: negative count {count}");
}
