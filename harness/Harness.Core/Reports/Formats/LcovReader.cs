using System.Globalization;
using System.Text;
using Harness.Core.Coverage;

namespace Harness.Core.Reports.Formats;

/// <summary>
/// Reads LCOV tracefiles (geninfo(1)): <c>SF DA BRDA FN FNDA end_of_record</c>, in the 1.x (<c>FN:line,name</c>) and
/// 2.x (<c>FN:line,end,name</c>) forms. Summary records (<c>LF LH BRF BRH FNF FNH</c>) are recomputed, not trusted.
/// </summary>
/// <remarks>
/// A negative count is an error naming the line, as in lcov: it would otherwise turn a covered line into an
/// uncovered one after merging. Records LCOV tools add and harness does not use (<c>VER</c>, <c>LN</c>, <c>MCDC</c>…)
/// are skipped. A file that ends without <c>end_of_record</c> keeps what its last record had.
/// </remarks>
internal static class LcovReader
{
    public static CoverageReport Read(string path, byte[] content)
    {
        var files = new List<FileCoverage>();
        string? source = null;
        var lines = new List<LineCoverage>();
        var branches = new Dictionary<int, List<BranchArm>>();
        var functionLines = new Dictionary<string, (int Line, int End)>(StringComparer.Ordinal);
        var functionHits = new Dictionary<string, long>(StringComparer.Ordinal);
        var number = 0;

        void EndRecord()
        {
            if (source is null)
            {
                return;
            }
            var withBranches = lines.Select(l => branches.Remove(l.Line, out var arms) ? l with { Branches = arms } : l).ToList();
            // BRDA on a line without DA: keep the branches on a line of their own, not covered.
            withBranches.AddRange(branches.Select(b => new LineCoverage(b.Key, 0, b.Value)));
            var functions = functionLines.Select(f => new FunctionCoverage(f.Key, f.Value.Line, Math.Max(f.Value.Line, f.Value.End), functionHits.GetValueOrDefault(f.Key))).ToList();
            files.Add(new FileCoverage(source, "", withBranches, functions));
            source = null;
            lines = [];
            branches = [];
            functionLines = new(StringComparer.Ordinal);
            functionHits = new(StringComparer.Ordinal);
        }

        using var reader = new StreamReader(new MemoryStream(content, writable: false), Encoding.UTF8);
        while (reader.ReadLine() is { } raw)
        {
            number++;
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line == "end_of_record")
            {
                EndRecord();
                continue;
            }
            if (colon < 0)
            {
                if (line.Trim().Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }
                throw new InvalidDataException($"line {number}: not an LCOV record: '{Shorten(line)}'");
            }
            var tag = line[..colon];
            var value = line[(colon + 1)..];
            if (tag == "SF")
            {
                EndRecord();
                source = value;
                continue;
            }
            if (tag is "DA" or "BRDA" or "FN" or "FNDA" && source is null)
            {
                throw new InvalidDataException($"line {number}: {tag} before any SF record");
            }
            var fields = value.Split(',');
            switch (tag)
            {
                case "DA":
                    lines.Add(new LineCoverage(LineNumber(fields[0], number), Count(fields.ElementAtOrDefault(1), number)));
                    break;
                case "BRDA" when fields.Length >= 4:
                    var at = LineNumber(fields[0], number);
                    // lcov 2 may write "e" before the block for exception branches: keep the number only.
                    var block = (int)Math.Min(int.MaxValue, Count(fields[1].TrimStart('e'), number));
                    var arm = ArmNumber(fields[2]);
                    long? taken = fields[^1] == "-" ? null : Count(fields[^1], number);
                    if (!branches.TryGetValue(at, out var arms))
                    {
                        branches[at] = arms = [];
                    }
                    arms.Add(new BranchArm(block, arm ?? arms.Count(a => a.Block == block), taken));
                    break;
                case "FN" when fields.Length >= 2:
                    var start = LineNumber(fields[0], number);
                    // 2.x: FN:start,end,name (the name may itself hold commas, so only a numeric second field is an end).
                    var hasEnd = fields.Length >= 3 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end);
                    var name = string.Join(',', fields.Skip(hasEnd ? 2 : 1));
                    functionLines[name] = (start, hasEnd ? int.Parse(fields[1], CultureInfo.InvariantCulture) : start);
                    break;
                case "FNDA" when fields.Length >= 2:
                    var fn = string.Join(',', fields.Skip(1));
                    functionHits[fn] = functionHits.GetValueOrDefault(fn) + Count(fields[0], number);
                    break;
                case "DA" or "BRDA" or "FN" or "FNDA":
                    throw new InvalidDataException($"line {number}: {tag} record with too few fields: '{Shorten(line)}'");
            }
        }
        EndRecord();
        return ReportInputs.Coverage(files, DateTimeOffset.UnixEpoch);
    }

    // LCOV arm ids are numbers for gcc, but expressions for some tools (llvm's "true"/"false", lcov 2's "(a) == b"):
    // those get the next free arm number.
    private static int? ArmNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var arm) ? arm : null;

    private static int LineNumber(string text, int at)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var line) || line < 1)
        {
            throw new InvalidDataException($"line {at}: '{Shorten(text)}' is not a line number");
        }
        return line;
    }

    private static long Count(string? text, int at)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
        {
            throw new InvalidDataException($"line {at}: '{Shorten(text ?? "")}' is not a count");
        }
        if (count < 0)
        {
            throw new InvalidDataException($"line {at}: negative count {count}");
        }
        return count;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
