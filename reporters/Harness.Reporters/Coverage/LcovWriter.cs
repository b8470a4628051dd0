using System.Globalization;
using System.Text;
using Harness.Core.Coverage;

namespace Harness.Reporters.Coverage;

/// <summary>
/// Writes the LCOV tracefile format (geninfo(1)) in its 1.x form, which lcov 1.x and 2.x, genhtml,
/// ReportGenerator, Codecov and Coveralls all read: <c>TN SF FN FNDA FNF FNH BRDA BRF BRH DA LF LH end_of_record</c>.
/// A branch arm whose count is unknown (its branch point never ran) is written <c>-</c>, as geninfo does.
/// </summary>
/// <remarks>
/// The format has no quoting, so names are made to fit it, the same way every time:
/// <list type="bullet">
/// <item>lcov 1.x reads a function name as <c>[^,]+</c> after the line number, so <c>fold&lt;u64, u32&gt;</c>
/// would become <c>fold&lt;u64</c> (and two instantiations would collide). Commas in names are written as
/// <c>;</c>. The lcov 2.x form <c>FN:line,end,name</c> is not used: lcov 1.16 reads its end line as the name.</item>
/// <item>A record is one line, so control characters (a newline in a path would start a new record)
/// become U+FFFD in paths and names.</item>
/// <item>lcov keys functions by name within a file. Two functions that end up with one name at one line are
/// one function seen twice (their hits are added, as lcov would); one name at different lines (C++ overloads)
/// gets <c> (line N)</c> appended so that each stays a function of its own.</item>
/// </list>
/// Output is sorted (files by path, then module; functions by line, then name; lines by number), uses the
/// invariant culture, <c>\n</c> newlines and UTF-8 without a byte-order mark. An empty report is an empty file.
/// </remarks>
public sealed class LcovWriter : ICoverageWriter
{
    public string Name => "lcov";

    public string DefaultFileName => "lcov.info";

    public void Write(CoverageReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);

        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true)
        {
            NewLine = "\n",
        };
        foreach (var file in report.Files.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Module, StringComparer.Ordinal))
        {
            WriteFile(writer, file);
        }
    }

    private static void WriteFile(StreamWriter writer, FileCoverage file)
    {
        writer.WriteLine("TN:");
        writer.WriteLine("SF:" + ReplaceControlCharacters(file.Path));

        var functions = LcovFunctions(file.Functions);
        foreach (var function in functions)
        {
            writer.WriteLine(Invariant($"FN:{function.Line},{function.Name}"));
        }
        foreach (var function in functions)
        {
            writer.WriteLine(Invariant($"FNDA:{function.Hits},{function.Name}"));
        }
        writer.WriteLine(Invariant($"FNF:{functions.Count}"));
        writer.WriteLine(Invariant($"FNH:{functions.Count(f => f.Hits > 0)}"));

        var branchesFound = 0;
        var branchesHit = 0;
        foreach (var line in file.Lines.Where(l => l.Branches is { Count: > 0 }).OrderBy(l => l.Line))
        {
            foreach (var arm in line.Branches!)
            {
                var taken = arm.Taken is { } count ? Math.Max(0, count).ToString(CultureInfo.InvariantCulture) : "-";
                writer.WriteLine(Invariant($"BRDA:{line.Line},{arm.Block},{arm.Arm},{taken}"));
                branchesFound++;
                branchesHit += arm.IsTaken ? 1 : 0;
            }
        }
        if (branchesFound > 0)
        {
            writer.WriteLine(Invariant($"BRF:{branchesFound}"));
            writer.WriteLine(Invariant($"BRH:{branchesHit}"));
        }

        var found = 0;
        var hit = 0;
        foreach (var line in file.Lines.OrderBy(l => l.Line))
        {
            var hits = Math.Max(0, line.Hits);
            writer.WriteLine(Invariant($"DA:{line.Line},{hits}"));
            found++;
            hit += hits > 0 ? 1 : 0;
        }
        writer.WriteLine(Invariant($"LF:{found}"));
        writer.WriteLine(Invariant($"LH:{hit}"));
        writer.WriteLine("end_of_record");
    }

    private static List<(string Name, int Line, long Hits)> LcovFunctions(IReadOnlyList<FunctionCoverage> functions)
    {
        var merged = functions
            .GroupBy(f => (Name: FunctionName(f.Name), f.Line))
            .Select(g => (g.Key.Name, g.Key.Line, Hits: g.Sum(f => Math.Max(0, f.Hits))))
            .ToList();
        var repeated = merged.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return merged
            .Select(f => repeated.Contains(f.Name) ? (Name: Invariant($"{f.Name} (line {f.Line})"), f.Line, f.Hits) : f)
            .OrderBy(f => f.Line)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string FunctionName(string name)
    {
        var clean = ReplaceControlCharacters(name).Replace(',', ';');
        // An empty name would leave "FN:12," which lcov does not accept as a function at all.
        return clean.Length == 0 ? "(unnamed)" : clean;
    }

    private static string ReplaceControlCharacters(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '\uFFFD' : c);
        }
        return builder.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
