using System.Text.Json;
using Harness.Core.Coverage;

namespace Harness.Core.Reports.Formats;

/// <summary>
/// Reads <c>llvm-cov export</c> JSON (export format 2.x and 3.x; clang, and Rust's <c>-C instrument-coverage</c>):
/// line counts derived from each file's segments the way <c>llvm-cov report</c> derives them, branch arms from
/// <c>branches</c>, functions from <c>functions</c>.
/// </summary>
/// <remarks>
/// <para>A segment is <c>[line, column, count, hasCount, isRegionEntry, isGapRegion]</c>: the count from that position
/// up to the next segment. A line is executable when a counted region starts on it (not a gap) or a counted region
/// runs into it from an earlier line (the "wrapped" segment), and is not the start of a skipped region; its count is
/// the largest of the wrapped count and the counts of the regions that start on it. This follows LLVM's
/// <c>LineCoverageStats</c>, so totals agree with <c>llvm-cov report</c>.</para>
/// <para>A branch is <c>[line, col, endLine, endCol, trueCount, falseCount, fileId, expandedFileId, kind]</c>: two arms.
/// Function names are mangled in the export. Rust's are demangled here where that is simple: legacy
/// (<c>_ZN…17h&lt;hash&gt;E</c>) names, and v0 names (<c>_RNvNtCs…_4calc5tests4adds</c>, rustc 1.95's default) made of
/// crate roots and nested namespaces only; v0 names with impls, generics or back-references stay mangled.</para>
/// </remarks>
internal static class LlvmCovReader
{
    public static CoverageReport Read(string path, byte[] content)
    {
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 64 });
        var files = new List<FileCoverage>();
        foreach (var export in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var functionsByFile = new Dictionary<string, List<FunctionCoverage>>(StringComparer.Ordinal);
            if (export.TryGetProperty("functions", out var functions))
            {
                foreach (var function in functions.EnumerateArray())
                {
                    if (ReadFunction(function) is ({ } file, { } coverage))
                    {
                        if (!functionsByFile.TryGetValue(file, out var list))
                        {
                            functionsByFile[file] = list = [];
                        }
                        list.Add(coverage);
                    }
                }
            }
            foreach (var file in export.GetProperty("files").EnumerateArray())
            {
                var name = file.GetProperty("filename").GetString() ?? throw new InvalidDataException("a file has no filename");
                var lines = Lines(file.GetProperty("segments"));
                AddBranches(lines, file);
                files.Add(new FileCoverage(name, "", [.. lines.Values], functionsByFile.GetValueOrDefault(name) ?? []));
            }
        }
        return ReportInputs.Coverage(files, DateTimeOffset.UnixEpoch);
    }

    private readonly record struct Segment(int Line, long Count, bool HasCount, bool IsRegionEntry, bool IsGap);

    private static SortedDictionary<int, LineCoverage> Lines(JsonElement segmentArray)
    {
        var segments = segmentArray.EnumerateArray().Select(s => new Segment(
            s[0].GetInt32(),
            s[2].GetInt64(),
            s[3].GetBoolean(),
            s[4].GetBoolean(),
            s.GetArrayLength() > 5 && s[5].GetBoolean())).ToList();
        var lines = new SortedDictionary<int, LineCoverage>();
        if (segments.Count == 0)
        {
            return lines;
        }
        Segment? wrapped = null;
        var next = 0;
        for (var line = segments[0].Line; line <= segments[^1].Line; line++)
        {
            var start = next;
            while (next < segments.Count && segments[next].Line == line)
            {
                next++;
            }
            var onLine = segments.GetRange(start, next - start);
            var starts = onLine.Where(s => !s.IsGap && s.HasCount && s.IsRegionEntry).ToList();
            var skipped = onLine.Count > 0 && !onLine[0].HasCount && onLine[0].IsRegionEntry;
            var mapped = !skipped && ((wrapped is { HasCount: true }) || starts.Count > 0);
            if (mapped)
            {
                var count = wrapped?.Count ?? 0;
                foreach (var s in starts)
                {
                    count = Math.Max(count, s.Count);
                }
                if (count < 0)
                {
                    throw new InvalidDataException($"line {line}: negative count {count}");
                }
                lines[line] = new LineCoverage(line, count);
            }
            if (onLine.Count > 0)
            {
                wrapped = onLine[^1];
            }
        }
        return lines;
    }

    private static void AddBranches(SortedDictionary<int, LineCoverage> lines, JsonElement file)
    {
        if (!file.TryGetProperty("branches", out var branches))
        {
            return;
        }
        foreach (var group in branches.EnumerateArray().Select(b => (Line: b[0].GetInt32(), True: b[4].GetInt64(), False: b[5].GetInt64())).GroupBy(b => b.Line))
        {
            var arms = group.SelectMany((b, block) => new[] { new BranchArm(block, 0, Math.Max(0, b.True)), new BranchArm(block, 1, Math.Max(0, b.False)) }).ToList();
            lines[group.Key] = lines.TryGetValue(group.Key, out var line) ? line with { Branches = arms } : new LineCoverage(group.Key, 0, arms);
        }
    }

    private static (string? File, FunctionCoverage? Function) ReadFunction(JsonElement function)
    {
        var filenames = function.GetProperty("filenames");
        var regions = function.GetProperty("regions").EnumerateArray().Where(r => r[5].GetInt32() == 0).ToList();
        if (filenames.GetArrayLength() == 0 || regions.Count == 0)
        {
            return (null, null);
        }
        var name = Harness.Symbols.Demangler.Demangle(function.GetProperty("name").GetString() ?? "");
        var start = regions.Min(r => r[0].GetInt32());
        var end = regions.Max(r => r[2].GetInt32());
        return (filenames[0].GetString(), new FunctionCoverage(name, start, end, Math.Max(0, function.GetProperty("count").GetInt64())));
    }
}
