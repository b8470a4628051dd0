using Harness.Symbols.Dwarf;
using Harness.Symbols.Elf;

namespace Harness.Symbols;

/// <summary>
/// Everything DWARF says about where code came from, for one ELF file: the full line table, the functions
/// and their inlined calls, with lookups both ways. Addresses are the file's own (link-time) addresses;
/// the caller adds a load bias for position-independent code.
/// </summary>
public sealed class SourceMap
{
    private readonly LineRow[] _rows;
    private readonly (ulong Start, ulong End, int Function)[] _functionRanges;
    private readonly Dictionary<string, int> _fileIds;
    private Dictionary<(int File, int Line), List<ulong>>? _addressesByLine;

    private SourceMap(string path, IReadOnlyList<string> files, LineRow[] rows, IReadOnlyList<Function> functions)
    {
        Path = path;
        Files = files;
        _rows = rows;
        Functions = functions;
        _fileIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            _fileIds[files[i]] = i;
        }
        var ranges = new List<(ulong, ulong, int)>();
        for (var i = 0; i < functions.Count; i++)
        {
            foreach (var range in functions[i].Ranges)
            {
                ranges.Add((range.Start, range.End, i));
            }
        }
        ranges.Sort();
        _functionRanges = [.. ranges];
    }

    public string Path { get; }

    /// <summary>Absolute source paths; <see cref="LineRow.File"/> and the functions' file fields index this.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Every row of every kept sequence, sorted by address (table order among equal addresses).</summary>
    public ReadOnlySpan<LineRow> Rows => _rows;

    /// <summary>Functions with code, sorted by their lowest address, then those DWARF describes without code.</summary>
    public IReadOnlyList<Function> Functions { get; }

    /// <summary>Reads the line tables and functions of an ELF file.</summary>
    /// <param name="path">The ELF file.</param>
    /// <param name="sourceFilter">
    /// When given, only compilation units whose line table names at least one file it accepts are read
    /// (their rows and functions, all files included); the others are skipped, which is most of a Rust
    /// binary (std) when coverage is about the user's crate. Null reads everything.
    /// </param>
    /// <exception cref="SymbolReadException">The file is missing, not ELF, truncated, has no debug information, or its DWARF is corrupt.</exception>
    public static SourceMap Load(string path, Func<string, bool>? sourceFilter = null)
    {
        using var image = ElfImage.Open(path);
        try
        {
            return Read(image, sourceFilter);
        }
        catch (SymbolReadException)
        {
            throw;
        }
        catch (MalformedException e)
        {
            throw new SymbolReadException(path, e.Message, e);
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OutOfMemoryException)
        {
            // A defect of ours, met on input we failed to check: still the file's fault, still one line.
            throw new SymbolReadException(path, $"corrupt debug information ({e.GetType().Name}: {e.Message})", e);
        }
    }

    /// <summary>Where an address comes from, or null when no line-table row covers it.</summary>
    public SourceLocation? Lookup(ulong address)
    {
        var index = LastRowAtOrBefore(address);
        if (index < 0 || _rows[index].IsEndSequence)
        {
            return null;
        }
        var row = _rows[index];
        var function = FunctionAt(address);
        var chain = new List<SourceFrame>();
        if (function is not null)
        {
            var frames = function.Inlines.Where(c => c.Ranges.Any(r => r.Contains(address))).OrderByDescending(c => c.Depth).ToList();
            var (file, line) = (row.File, row.Line);
            foreach (var call in frames)
            {
                chain.Add(new SourceFrame(call.Name, file, line));
                (file, line) = (call.CallFile, call.CallLine);
            }
            chain.Add(new SourceFrame(function.Name, file, line));
        }
        return new SourceLocation(address, row.File, row.Line, row.Column, function, chain);
    }

    /// <summary>The function whose code contains the address, or null.</summary>
    public Function? FunctionAt(ulong address)
    {
        var low = 0;
        var high = _functionRanges.Length - 1;
        var found = -1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            if (_functionRanges[mid].Start <= address)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        // Ranges rarely overlap; look back a little for one that encloses the address.
        for (var i = found; i >= 0 && i > found - 8; i--)
        {
            if (address < _functionRanges[i].End)
            {
                return Functions[_functionRanges[i].Function];
            }
        }
        return null;
    }

    /// <summary>Statement addresses of a source line (breakpoint sites), in address order; empty when none.</summary>
    public IReadOnlyList<ulong> AddressesOf(string file, int line)
    {
        if (!_fileIds.TryGetValue(file, out var id))
        {
            return [];
        }
        _addressesByLine ??= IndexStatements();
        return _addressesByLine.TryGetValue((id, line), out var addresses) ? addresses : [];
    }

    private Dictionary<(int, int), List<ulong>> IndexStatements()
    {
        var index = new Dictionary<(int, int), List<ulong>>();
        foreach (var row in _rows)
        {
            if (!row.IsStatement || row.IsEndSequence || row.Line == 0 || row.File < 0)
            {
                continue;
            }
            if (!index.TryGetValue((row.File, row.Line), out var list))
            {
                index[(row.File, row.Line)] = list = [];
            }
            if (list.Count == 0 || list[^1] != row.Address)
            {
                list.Add(row.Address);
            }
        }
        return index;
    }

    private int LastRowAtOrBefore(ulong address)
    {
        var low = 0;
        var high = _rows.Length - 1;
        var found = -1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            if (_rows[mid].Address <= address)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    private static SourceMap Read(ElfImage image, Func<string, bool>? sourceFilter)
    {
        var sections = new DebugSections(image);
        if (sections.Line.IsEmpty && sections.Info.IsEmpty)
        {
            throw new MalformedException("no debug information (no .debug_line or .debug_info section): the binary was stripped or built without -g");
        }
        var executable = image.ExecutableRanges;
        bool IsCode(ulong address)
        {
            foreach (var (start, end) in executable)
            {
                if (address >= start && address < end)
                {
                    return true;
                }
            }
            return false;
        }

        var files = new FileTable();
        Func<UnitInfo, bool>? keepUnit = null;
        if (sourceFilter is not null)
        {
            var verdicts = new Dictionary<int, bool>();
            keepUnit = unit => unit.StmtList is { } offset && offset < (ulong)sections.Line.Length && WantsProgram((int)offset, unit.CompDir);
            bool WantsProgram(int offset, string? compDir)
            {
                foreach (var id in LineProgram.Read(sections, offset, compDir, files, IsCode, rows: null).FileIds)
                {
                    if (id < 0)
                    {
                        continue;
                    }
                    if (!verdicts.TryGetValue(id, out var wanted))
                    {
                        verdicts[id] = wanted = sourceFilter(files.Paths[id]);
                    }
                    if (wanted)
                    {
                        return true;
                    }
                }
                return false;
            }
        }
        var info = InfoReader.Read(sections, IsCode, keepUnit);
        // Real line programs spend 8–12 bytes a row.
        var rows = new List<LineRow>(capacity: sourceFilter is null ? Math.Clamp(sections.Line.Length / 8, 16, Limits.MaxReservedEntries) : 4096);
        var fileIdsByProgram = ReadLinePrograms(sections, info, files, IsCode, rows, selective: sourceFilter is not null);

        int FileOf(int unit, uint index)
        {
            var stmtList = info.Units[unit].StmtList;
            return stmtList is { } offset && fileIdsByProgram.TryGetValue(offset, out var ids) && index < (uint)ids.Length ? ids[index] : -1;
        }
        var functions = new FunctionResolver(info, FileOf).Resolve();
        functions.Sort((a, b) => (a.HasCode, b.HasCode) switch
        {
            (true, true) => a.LowPc.CompareTo(b.LowPc),
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a.Name, b.Name),
        });
        return new SourceMap(image.Path, [.. files.Paths], SortByAddress(rows), functions);
    }

    private static Dictionary<ulong, int[]> ReadLinePrograms(
        DebugSections sections, InfoReader info, FileTable files, Func<ulong, bool> isCode, List<LineRow> rows, bool selective)
    {
        var compDirs = new Dictionary<ulong, string?>();
        foreach (var unit in info.Units)
        {
            if (unit.StmtList is { } offset && !unit.Skipped)
            {
                compDirs.TryAdd(offset, unit.CompDir);
            }
        }
        var result = new Dictionary<ulong, int[]>();
        // Programs in section order, as readelf decodes them; then any a unit points into the middle of.
        // A selective load reads only the programs of the units it kept.
        long position = 0;
        var length = sections.Line.Length;
        while (!selective && position + 4 <= length)
        {
            var (next, ids) = LineProgram.Read(sections, (int)position, compDirs.GetValueOrDefault((ulong)position), files, isCode, rows);
            result[(ulong)position] = ids;
            position = next;
        }
        foreach (var (offset, compDir) in compDirs)
        {
            if (!result.ContainsKey(offset) && offset < (ulong)length)
            {
                result[offset] = LineProgram.Read(sections, (int)offset, compDir, files, isCode, rows).FileIds;
            }
        }
        return result;
    }

    /// <summary>
    /// Orders rows by address. Sequences are internally ordered, so sorting whole sequences by their start
    /// is enough for real files; a stable sort of all rows repairs anything left out of order.
    /// </summary>
    private static LineRow[] SortByAddress(List<LineRow> rows)
    {
        var sequences = new List<(ulong Start, int Order, int From, int To)>();
        var from = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].IsEndSequence)
            {
                sequences.Add((rows[from].Address, sequences.Count, from, i + 1));
                from = i + 1;
            }
        }
        sequences.Sort();
        var sorted = new LineRow[rows.Count];
        var n = 0;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows);
        foreach (var (_, _, start, end) in sequences)
        {
            span[start..end].CopyTo(sorted.AsSpan(n));
            n += end - start;
        }
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Address < sorted[i - 1].Address)
            {
                return [.. sorted.OrderBy(r => r.Address)];
            }
        }
        return sorted;
    }
}
