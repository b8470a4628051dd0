using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Testing;

namespace Harness.Symbols.Tests.Support;

/// <summary>One line of <c>readelf -SW</c>.</summary>
internal sealed record ReadelfSection(int Index, string Name, string Type, ulong Address, long Offset, long Size, string Flags)
{
    /// <summary>SHF_ALLOC and SHF_EXECINSTR: code that is really loaded.</summary>
    public bool IsLoadedCode => Flags.Contains('A', StringComparison.Ordinal) && Flags.Contains('X', StringComparison.Ordinal) && Size > 0;

    public bool IsCompressed => Flags.Contains('C', StringComparison.Ordinal);
}

/// <summary>One row of <c>readelf --debug-dump=decodedline -W</c>; <see cref="FileName"/> is the name readelf prints.</summary>
internal readonly record struct ReadelfRow(ulong Address, string FileName, int Line, bool IsStatement);

/// <summary>The rows of kept sequences, and how many sequences and rows were dropped as outside code.</summary>
internal sealed record ReadelfLineTable(IReadOnlyList<ReadelfRow> Rows, int KeptSequences, int DroppedSequences, int DroppedRows);

/// <summary>
/// GNU readelf as the oracle for section headers and line tables. Parsed here, independently of
/// Harness.Symbols, so the two never share a bug.
/// </summary>
internal static partial class Readelf
{
    public static IReadOnlyList<ReadelfSection> Sections(string binary)
    {
        var result = ProcessRunner.Run("readelf", ["-SW", binary]).EnsureSuccess($"readelf -SW {binary}");
        var sections = new List<ReadelfSection>();
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            var match = SectionLine().Match(line);
            if (!match.Success)
            {
                continue;
            }
            sections.Add(new ReadelfSection(
                int.Parse(match.Groups["nr"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                match.Groups["type"].Value,
                ulong.Parse(match.Groups["addr"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(match.Groups["off"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(match.Groups["size"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                match.Groups["flags"].Value));
        }
        if (sections.Count == 0)
        {
            throw new InvalidOperationException($"no section headers parsed from readelf -SW {binary}:\n{result.StandardOutput}");
        }
        return sections;
    }

    public static ReadelfSection Section(string binary, string name) =>
        Sections(binary).SingleOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"{binary} has no section {name}");

    /// <summary>[start, end) of the allocated executable sections: where code really is.</summary>
    public static IReadOnlyList<(ulong Start, ulong End)> CodeRanges(string binary) =>
        [.. Sections(binary).Where(s => s.IsLoadedCode).Select(s => (s.Address, s.Address + (ulong)s.Size))];

    /// <summary>
    /// The decoded line table. A sequence (rows up to an end-of-sequence row, shown with line "-") is kept
    /// when its first address lies in <paramref name="codeRanges"/>; sequences of functions the linker
    /// discarded start at or near 0 and are counted as dropped. End-of-sequence rows are not returned.
    /// </summary>
    public static ReadelfLineTable DecodedLines(string binary, IReadOnlyList<(ulong Start, ulong End)> codeRanges)
    {
        var result = ProcessRunner.Run("readelf", ["--debug-dump=decodedline", "-W", binary]).EnsureSuccess($"readelf --debug-dump=decodedline {binary}");
        bool IsCode(ulong address) => codeRanges.Any(r => address >= r.Start && address < r.End);

        var kept = new List<ReadelfRow>();
        var sequence = new List<ReadelfRow>();
        int keptSequences = 0, droppedSequences = 0, droppedRows = 0;
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            if (line.StartsWith("CU: ", StringComparison.Ordinal))
            {
                // A program that ended without DW_LNE_end_sequence: its unfinished sequence is not a sequence.
                droppedRows += sequence.Count;
                sequence.Clear();
                continue;
            }
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length < 3 || !tokens[2].StartsWith("0x", StringComparison.Ordinal))
            {
                continue;
            }
            var address = ulong.Parse(tokens[2].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (tokens[1] == "-")
            {
                if (IsCode(sequence.Count > 0 ? sequence[0].Address : address))
                {
                    kept.AddRange(sequence);
                    keptSequences++;
                }
                else
                {
                    droppedSequences++;
                    droppedRows += sequence.Count;
                }
                sequence.Clear();
                continue;
            }
            if (!int.TryParse(tokens[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lineNumber))
            {
                continue;
            }
            // Columns after the address: an optional view number, then "x" when is_stmt.
            var isStatement = tokens.Length >= 4 && tokens[^1] == "x";
            sequence.Add(new ReadelfRow(address, tokens[0], lineNumber, isStatement));
        }
        droppedRows += sequence.Count;
        return new ReadelfLineTable(kept, keptSequences, droppedSequences, droppedRows);
    }

    [GeneratedRegex(@"^\s*\[\s*(?<nr>\d+)\]\s+(?<name>\S*)\s+(?<type>\S+)\s+(?<addr>[0-9a-f]+)\s+(?<off>[0-9a-f]+)\s+(?<size>[0-9a-f]+)\s+(?<es>[0-9a-f]+)\s+(?<flags>[A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$")]
    private static partial Regex SectionLine();
}
