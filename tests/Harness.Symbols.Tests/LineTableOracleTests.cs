using Harness.Symbols.Tests.Support;

namespace Harness.Symbols.Tests;

/// <summary>
/// The line table read by <c>harness lines</c> against <c>readelf --debug-dump=decodedline</c>, row for row,
/// over every flavour of every fixture (DWARF 4 and 5, -O0 and -O2, zlib-compressed sections, C, C++,
/// Catch2, Rust with mixed v4/v5 units, a Rust cdylib).
/// </summary>
public sealed class LineTableOracleTests(BinaryFacts facts) : IClassFixture<BinaryFacts>
{
    public static TheoryData<string> AllBinaries =>
    [
        FixtureBinaries.CO0, FixtureBinaries.CO2, FixtureBinaries.CDwarf4, FixtureBinaries.CZlib,
        FixtureBinaries.ShapesO0, FixtureBinaries.ShapesO2, FixtureBinaries.ShapesDwarf4, FixtureBinaries.ShapesZlib,
        FixtureBinaries.Catch2O0,
        FixtureBinaries.RustUnit, FixtureBinaries.RustUnitDwarf5, FixtureBinaries.RustCdylib,
    ];

    public static TheoryData<string> RustBinaries => [FixtureBinaries.RustUnit, FixtureBinaries.RustUnitDwarf5, FixtureBinaries.RustCdylib];

    [Theory]
    [MemberData(nameof(AllBinaries))]
    public void Lines_StatementRows_MatchReadelfRowForRow(string id)
    {
        var expected = facts.ReadelfLines(id).Rows.Where(r => r.IsStatement && r.Line != 0).Select(Key).ToList();
        var actual = facts.CliLines(id, all: false).Select(Key).ToList();

        Assert.NotEmpty(expected);
        Multiset.AssertEqual(expected, actual, $"statement rows of {id}", k => k.Address);
    }

    [Theory]
    [MemberData(nameof(AllBinaries))]
    public void LinesAll_EveryRowIncludingNonStatementAndLineZero_MatchesReadelf(string id)
    {
        var expected = facts.ReadelfLines(id).Rows.Select(Key).ToList();
        var actual = facts.CliLines(id, all: true).Select(Key).ToList();

        Assert.True(expected.Count > facts.ReadelfLines(id).Rows.Count(r => r.IsStatement), "the oracle has no non-statement rows: nothing tested beyond the statement test");
        Multiset.AssertEqual(expected, actual, $"all rows of {id}", k => k.Address);
    }

    /// <summary>
    /// readelf -W prints the line table's own file name, not always a base name: for Rust's std it is
    /// <c>library/core/src/ptr/mod.rs</c>. Our absolute path must end with whatever readelf prints.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllBinaries))]
    public void Lines_FilePaths_EndWithTheNameReadelfPrints(string id)
    {
        var ours = facts.CliLines(id, all: true).ToLookup(r => (r.Address, r.Line), r => r.File);
        var mismatches = new List<string>();
        var withDirectory = 0;
        foreach (var row in facts.ReadelfLines(id).Rows)
        {
            withDirectory += row.FileName.Contains('/', StringComparison.Ordinal) ? 1 : 0;
            var candidates = ours[(row.Address, row.Line)].ToList();
            var suffix = LexicalSuffix(row.FileName);
            if (!candidates.Any(path => path == suffix || path.EndsWith("/" + suffix, StringComparison.Ordinal)))
            {
                mismatches.Add($"0x{row.Address:x} line {row.Line}: readelf '{row.FileName}', ours [{string.Join(", ", candidates)}]");
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} rows whose path does not end with readelf's name, first:\n  {string.Join("\n  ", mismatches.Take(12))}");
        if (id.StartsWith("rust/", StringComparison.Ordinal))
        {
            Assert.True(withDirectory > 0, "expected readelf to print directory-qualified names (library/...) for Rust's std");
        }
    }

    [Theory]
    [MemberData(nameof(AllBinaries))]
    public void Lines_Output_SortedInsideCodeWithAbsoluteExistingFixturePaths(string id)
    {
        var rows = facts.CliLines(id, all: true);
        var code = facts.CodeRanges(id);
        var sources = FixtureBinaries.SourceDirectory(id) + "/";

        Assert.NotEmpty(rows);
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.True(rows[i - 1].Address <= rows[i].Address, $"row {i} at 0x{rows[i].Address:x} follows 0x{rows[i - 1].Address:x}: not sorted by address");
        }
        var outside = rows.Where(r => !code.Any(c => r.Address >= c.Start && r.Address < c.End)).Take(5).ToList();
        Assert.True(outside.Count == 0, $"rows outside executable sections: {string.Join(", ", outside)}");

        var files = rows.Select(r => r.File).Distinct().ToList();
        var relative = files.Where(f => !Path.IsPathRooted(f)).ToList();
        Assert.True(relative.Count == 0, $"paths that are not absolute: {string.Join(", ", relative.Take(10))}");
        var ownSources = files.Where(f => f.StartsWith(sources, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ownSources);
        var missing = ownSources.Where(f => !File.Exists(f)).ToList();
        Assert.True(missing.Count == 0, $"fixture source paths that do not exist: {string.Join(", ", missing)}");
        var unnormalised = files.Where(f => f.Contains("/./", StringComparison.Ordinal) || f.Contains("/../", StringComparison.Ordinal) || f.Contains("//", StringComparison.Ordinal)).ToList();
        Assert.True(unnormalised.Count == 0, $"paths with . or .. or // segments: {string.Join(", ", unnormalised.Take(10))}");
    }

    /// <summary>
    /// Rust binaries carry line tables of functions the linker discarded (gc-sections), addressed at or near 0;
    /// readelf prints them, the source map must not map anything there.
    /// </summary>
    [Theory]
    [MemberData(nameof(RustBinaries))]
    public void Lines_DiscardedFunctions_SequencesDroppedNotMappedNearZero(string id)
    {
        var oracle = facts.ReadelfLines(id);
        var lowestCode = facts.CodeRanges(id).Min(r => r.Start);

        Assert.True(oracle.DroppedSequences > 0, "the fixture no longer has discarded sequences: this test checks nothing");
        var map = facts.Map(id);
        Assert.True(map.Rows[0].Address >= lowestCode, $"first row at 0x{map.Rows[0].Address:x}, below the first code at 0x{lowestCode:x}");
        Assert.Null(map.Lookup(0));
        Assert.Null(map.Lookup(1));
        Assert.Null(map.FunctionAt(0));
    }

    /// <summary>
    /// The part of a relative name that must appear literally at the end of its absolute path:
    /// <c>library/core/src/../../stdarch/x.rs</c> gives <c>library/stdarch/x.rs</c>; a leading <c>..</c> cuts the name there.
    /// </summary>
    private static string LexicalSuffix(string name)
    {
        if (name.StartsWith('/'))
        {
            return Path.GetFullPath(name);
        }
        var segments = new List<string>();
        foreach (var segment in name.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0 && segments[^1] != "..")
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                else
                {
                    segments.Add(segment);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }
        return string.Join('/', segments.Skip(segments.LastIndexOf("..") + 1));
    }

    /// <summary>
    /// The flavours are what the theories above claim to cover: gcc 12 writes DWARF 5 by default and 4 with
    /// -gdwarf-4; Rust's Dwarf5 flavour mixes its own v5 programs with prebuilt std's v4 ones.
    /// </summary>
    [Theory]
    [InlineData(FixtureBinaries.CO0, "5")]
    [InlineData(FixtureBinaries.CDwarf4, "4")]
    [InlineData(FixtureBinaries.ShapesDwarf4, "4")]
    [InlineData(FixtureBinaries.RustUnit, "4")]
    [InlineData(FixtureBinaries.RustUnitDwarf5, "4,5")]
    public void Fixture_LinePrograms_HaveTheFlavoursDwarfVersions(string id, string versions)
    {
        var path = facts.Path(id);
        var section = Readelf.Section(path, ".debug_line");
        var bytes = File.ReadAllBytes(path).AsSpan((int)section.Offset, (int)section.Size);
        var found = new SortedSet<int>();
        for (var offset = 0; offset + 6 <= bytes.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
            Assert.True(length < 0xffff_fff0, "64-bit DWARF in a fixture: extend this walk");
            found.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 4)..]));
            offset += 4 + (int)length;
        }
        Assert.Equal(versions, string.Join(",", found));
    }

    private static RowKey Key(ReadelfRow row) => new(row.Address, Path.GetFileName(row.FileName), row.Line);

    private static RowKey Key(CliLine row) => new(row.Address, Path.GetFileName(row.File), row.Line);

    private readonly record struct RowKey(ulong Address, string File, int Line)
    {
        public override string ToString() => $"0x{Address:x} {File}:{Line}";
    }
}
