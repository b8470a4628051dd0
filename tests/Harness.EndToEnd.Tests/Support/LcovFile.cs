using System.Globalization;
using System.Text.RegularExpressions;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>
/// One <c>SF:</c> … <c>end_of_record</c> record: a source file's line hits, functions, and branch arms per line
/// (keyed by branch point and arm; null for <c>-</c>, a branch point that never ran).
/// </summary>
internal sealed record LcovRecord(string Path, IReadOnlyDictionary<int, long> Lines, IReadOnlyDictionary<string, (int Line, long Hits)> Functions)
{
    public IReadOnlyDictionary<int, Dictionary<(int Point, int Arm), long?>> Branches { get; init; } = new Dictionary<int, Dictionary<(int, int), long?>>();

    public int LinesHit => Lines.Values.Count(h => h > 0);
}

/// <summary>
/// A strict reader of LCOV tracefiles (geninfo(1) format) for checking what <c>harness cover</c> writes: every
/// line must be one of the known forms, and each record's totals (LF/LH, FNF/FNH, BRF/BRH) must agree with its own
/// DA, FN/FNDA and BRDA lines. Anything else fails the test with the offending line.
/// </summary>
internal static partial class LcovFile
{
    public static List<LcovRecord> Read(string path)
    {
        var text = File.ReadAllText(path);
        Assert.True(text.Length == 0 || text.EndsWith('\n'), $"{path} does not end with a newline");
        var records = new List<LcovRecord>();
        string? file = null;
        var lines = new Dictionary<int, long>();
        var functions = new Dictionary<string, (int Line, long Hits)>(StringComparer.Ordinal);
        var functionHits = new Dictionary<string, long>(StringComparer.Ordinal);
        var branches = new Dictionary<int, Dictionary<(int, int), long?>>();
        int? linesFound = null, linesHit = null, functionsFound = null, functionsHit = null, branchesFound = null, branchesHit = null;
        var number = 0;
        foreach (var line in text.Split('\n').SkipLast(1))
        {
            number++;
            var where = $"{path}:{number}: '{line}'";
            if (line.StartsWith("TN:", StringComparison.Ordinal))
            {
                Assert.True(file is null, $"TN inside a record at {where}");
                continue;
            }
            if (line.StartsWith("SF:", StringComparison.Ordinal))
            {
                Assert.True(file is null, $"SF inside a record at {where}");
                file = line[3..];
                Assert.True(System.IO.Path.IsPathRooted(file), $"SF is not an absolute path at {where}");
                continue;
            }
            Assert.True(file is not null, $"a line outside any record at {where}");
            if (line == "end_of_record")
            {
                Assert.True(linesFound == lines.Count, $"LF {linesFound} but {lines.Count} DA lines in the record ending at {where}");
                Assert.True(linesHit == lines.Values.Count(h => h > 0), $"LH {linesHit} but {lines.Values.Count(h => h > 0)} hit DA lines in the record ending at {where}");
                Assert.True(functionsFound is null || functionsFound == functions.Count, $"FNF {functionsFound} but {functions.Count} FN lines at {where}");
                Assert.True(functionsHit is null || functionsHit == functionHits.Values.Count(h => h > 0), $"FNH {functionsHit} disagrees with FNDA at {where}");
                var arms = branches.Values.SelectMany(b => b.Values).ToList();
                Assert.True(branchesFound is null || branchesFound == arms.Count, $"BRF {branchesFound} but {arms.Count} BRDA lines at {where}");
                Assert.True(branchesHit is null || branchesHit == arms.Count(t => t > 0), $"BRH {branchesHit} disagrees with BRDA at {where}");
                records.Add(new LcovRecord(
                    file!,
                    lines,
                    functions.ToDictionary(f => f.Key, f => (f.Value.Line, functionHits.GetValueOrDefault(f.Key)), StringComparer.Ordinal))
                {
                    Branches = branches,
                });
                branches = [];
                branchesFound = branchesHit = null;
                file = null;
                lines = [];
                functions = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
                functionHits = new Dictionary<string, long>(StringComparer.Ordinal);
                linesFound = linesHit = functionsFound = functionsHit = null;
                continue;
            }
            var match = Entry().Match(line);
            Assert.True(match.Success, $"not an LCOV line at {where}");
            var value = match.Groups["value"].Value;
            switch (match.Groups["key"].Value)
            {
                case "DA":
                    var da = DataLine().Match(value);
                    Assert.True(da.Success, $"malformed DA at {where}");
                    var lineNumber = Int(da.Groups[1].Value);
                    Assert.True(lineNumber > 0, $"DA line number not positive at {where}");
                    Assert.True(lines.TryAdd(lineNumber, long.Parse(da.Groups[2].Value, CultureInfo.InvariantCulture)), $"DA for line {lineNumber} twice at {where}");
                    break;
                case "FN":
                    var fn = NamedLine().Match(value);
                    Assert.True(fn.Success, $"malformed FN at {where}");
                    Assert.True(functions.TryAdd(fn.Groups[2].Value, (Int(fn.Groups[1].Value), 0)), $"FN {fn.Groups[2].Value} twice at {where}");
                    break;
                case "FNDA":
                    var fnda = NamedLine().Match(value);
                    Assert.True(fnda.Success, $"malformed FNDA at {where}");
                    Assert.True(functions.ContainsKey(fnda.Groups[2].Value), $"FNDA for a function without FN at {where}");
                    functionHits[fnda.Groups[2].Value] = long.Parse(fnda.Groups[1].Value, CultureInfo.InvariantCulture);
                    break;
                case "LF":
                    linesFound = Int(value);
                    break;
                case "LH":
                    linesHit = Int(value);
                    break;
                case "FNF":
                    functionsFound = Int(value);
                    break;
                case "FNH":
                    functionsHit = Int(value);
                    break;
                case "BRDA":
                    var brda = BranchLine().Match(value);
                    Assert.True(brda.Success, $"malformed BRDA at {where}");
                    var branchLine = Int(brda.Groups[1].Value);
                    if (!branches.TryGetValue(branchLine, out var lineArms))
                    {
                        branches[branchLine] = lineArms = [];
                    }
                    long? taken = brda.Groups[4].Value == "-" ? null : long.Parse(brda.Groups[4].Value, CultureInfo.InvariantCulture);
                    Assert.True(lineArms.TryAdd((Int(brda.Groups[2].Value), Int(brda.Groups[3].Value)), taken), $"BRDA arm twice at {where}");
                    break;
                case "BRF":
                    branchesFound = Int(value);
                    break;
                case "BRH":
                    branchesHit = Int(value);
                    break;
            }
        }
        Assert.True(file is null, $"{path}: the last record has no end_of_record");
        return records;
    }

    /// <summary>Line hits of several runs' tracefiles, merged per file and line by maximum (hits are 0 or 1).</summary>
    public static Dictionary<string, Dictionary<int, long>> MergeByMax(IEnumerable<List<LcovRecord>> runs)
    {
        var merged = new Dictionary<string, Dictionary<int, long>>(StringComparer.Ordinal);
        foreach (var record in runs.SelectMany(r => r))
        {
            if (!merged.TryGetValue(record.Path, out var lines))
            {
                merged[record.Path] = lines = [];
            }
            foreach (var (line, hits) in record.Lines)
            {
                lines[line] = Math.Max(lines.GetValueOrDefault(line), hits);
            }
        }
        return merged;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+),(\d+),(\d+),(-|\d+)$")]
    private static partial Regex BranchLine();

    [GeneratedRegex(@"^(?<key>DA|FN|FNDA|FNF|FNH|LF|LH|BRDA|BRF|BRH):(?<value>.+)$")]
    private static partial Regex Entry();

    [GeneratedRegex(@"^(\d+),(\d+)(?:,[^,]+)?$")]
    private static partial Regex DataLine();

    [GeneratedRegex(@"^(\d+),(.+)$")]
    private static partial Regex NamedLine();
}
