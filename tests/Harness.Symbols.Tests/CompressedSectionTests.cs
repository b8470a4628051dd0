using System.Buffers.Binary;
using Harness.Symbols.Tests.Support;
using Harness.Testing;

namespace Harness.Symbols.Tests;

/// <summary>
/// Compressed debug sections: SHF_COMPRESSED with zlib (gcc -gz, also checked against readelf in
/// <see cref="LineTableOracleTests"/>) and zstd, and GNU's legacy <c>.zdebug_*</c> sections. objcopy
/// recompresses a fixture; the source map of the copy must equal the uncompressed original's.
/// </summary>
[Collection(MemoryHungry.Name)]
public sealed class CompressedSectionTests(BinaryFacts facts) : IClassFixture<BinaryFacts>
{
    private const uint ElfCompressZlib = 1;
    private const uint ElfCompressZstd = 2;
    private const long Inflated = 256L << 20;

    /// <summary>Compressed once for both bomb cases: deflating 256 MiB costs a second.</summary>
    private static readonly Lazy<byte[]> ZlibBomb = new(() => ZlibSection(Inflated));

    public static TheoryData<string, string> Recompressions => new()
    {
        { FixtureBinaries.CO0, "zstd" },
        { FixtureBinaries.CO0, "zlib-gnu" },
        { FixtureBinaries.CO0, "zlib" },
        { FixtureBinaries.ShapesO0, "zstd" },
        { FixtureBinaries.ShapesO0, "zlib-gnu" },
        { FixtureBinaries.CDwarf4, "zstd" },
        { FixtureBinaries.RustCdylib, "zstd" },
        { FixtureBinaries.RustCdylib, "zlib-gnu" },
    };

    [Theory]
    [MemberData(nameof(Recompressions))]
    public void Load_RecompressedWithObjcopy_SameRowsFilesAndFunctions(string id, string compression)
    {
        using var temp = new TempDirectory("compressed");
        var original = facts.Path(id);
        var copy = temp.File(Path.GetFileName(original) + "." + compression);
        ProcessRunner.Run("objcopy", [$"--compress-debug-sections={compression}", original, copy]).EnsureSuccess($"objcopy --compress-debug-sections={compression}");
        AssertCompressed(copy, compression);

        var expected = facts.Map(id);
        var actual = SourceMap.Load(copy);

        Assert.Equal(expected.Files, actual.Files);
        Assert.True(expected.Rows.SequenceEqual(actual.Rows), $"rows differ: {expected.Rows.Length} uncompressed, {actual.Rows.Length} {compression}");
        Assert.Equal(Describe(expected), Describe(actual));
    }

    /// <summary>The gcc -gz fixtures really carry zlib SHF_COMPRESSED sections, so the oracle tests over them test inflation.</summary>
    [Theory]
    [InlineData(FixtureBinaries.CZlib)]
    [InlineData(FixtureBinaries.ShapesZlib)]
    public void ZlibFlavour_DebugSections_AreShfCompressedZlib(string id)
    {
        AssertCompressed(facts.Path(id), "zlib");
    }

    /// <summary>-gz changes only how debug sections are stored: the code, and so the line table, is that of -O0.</summary>
    [Theory]
    [InlineData(FixtureBinaries.CZlib, FixtureBinaries.CO0)]
    [InlineData(FixtureBinaries.ShapesZlib, FixtureBinaries.ShapesO0)]
    public void Load_ZlibFlavour_SameRowsAsUncompressedO0(string zlib, string plain)
    {
        Assert.True(facts.Map(plain).Rows.SequenceEqual(facts.Map(zlib).Rows));
        Assert.Equal(Describe(facts.Map(plain)), Describe(facts.Map(zlib)));
    }

    /// <summary>
    /// A decompression bomb: a real binary whose .debug_line or .debug_info is replaced by a zlib stream of ~270 KB that inflates
    /// to 256 MiB of zeros, well under the 2 GiB the reader accepts. Zeros are no line program, so the load must
    /// fail, and it must do so without gigabytes of allocation (STYLE.md, Robustness): what the data proves
    /// (256 MiB once inflated) may be allocated, nothing sized by a multiple of the claim.
    /// </summary>
    [Theory]
    [InlineData(".debug_line")]
    [InlineData(".debug_info")]
    public void Load_ZlibBombSection_RejectedWithoutMultiGigabyteAllocation(string section)
    {
        const long AllocationBound = 2L << 30;
        using var temp = new TempDirectory("bomb");
        var original = facts.Path(FixtureBinaries.CZlib);
        var bomb = temp.File("zlib-bomb");
        WithReplacedSection(original, section, ZlibBomb.Value, bomb);
        Assert.True(Readelf.Section(bomb, section).IsCompressed);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var exception = Assert.Throws<SymbolReadException>(() => SourceMap.Load(bomb));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(bomb, exception.FilePath);
        Assert.True(allocated < AllocationBound, $"loading a {new FileInfo(bomb).Length >> 10} KB file whose {section} inflates to {Inflated >> 20} MiB allocated {allocated >> 20} MiB ({exception.Problem})");
    }

    /// <summary>An Elf64_Chdr for zlib followed by a zlib stream of <paramref name="size"/> zero bytes.</summary>
    private static byte[] ZlibSection(long size)
    {
        using var buffer = new MemoryStream();
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, ElfCompressZlib); // ch_type
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], (ulong)size); // ch_size
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], 1); // ch_addralign
        buffer.Write(header);
        using (var zlib = new System.IO.Compression.ZLibStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.Length)
            {
                zlib.Write(zeros, 0, (int)Math.Min(zeros.Length, size - written));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Appends <paramref name="contents"/> to a copy of the file and points the section's header (sh_offset, sh_size) at it.</summary>
    private static void WithReplacedSection(string binary, string name, byte[] contents, string output)
    {
        var bytes = File.ReadAllBytes(binary);
        var index = Readelf.Section(binary, name).Index;
        var shOff = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0x28)); // e_shoff
        var entry = bytes.AsSpan((int)shOff + index * 64); // Elf64_Shdr
        var offset = (bytes.Length + 7) & ~7;
        BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], (ulong)offset); // sh_offset
        BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], (ulong)contents.Length); // sh_size
        var result = new byte[offset + contents.Length];
        bytes.CopyTo(result, 0);
        contents.CopyTo(result, offset);
        File.WriteAllBytes(output, result);
    }

    private static void AssertCompressed(string binary, string compression)
    {
        var sections = Readelf.Sections(binary);
        var bytes = File.ReadAllBytes(binary);
        foreach (var name in new[] { ".debug_info", ".debug_line", ".debug_abbrev" })
        {
            if (compression == "zlib-gnu")
            {
                Assert.DoesNotContain(sections, s => s.Name == name);
                var legacy = Assert.Single(sections, s => s.Name == ".z" + name[1..]);
                Assert.True(bytes.AsSpan((int)legacy.Offset, 4).SequenceEqual("ZLIB"u8), $"{legacy.Name} does not start with ZLIB");
                continue;
            }
            var section = Assert.Single(sections, s => s.Name == name);
            Assert.True(section.IsCompressed, $"{name} is not SHF_COMPRESSED in {binary}");
            var type = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)section.Offset, 4)); // Elf64_Chdr.ch_type
            Assert.Equal(compression == "zstd" ? ElfCompressZstd : ElfCompressZlib, type);
        }
    }

    private static List<string> Describe(SourceMap map) =>
        [.. map.Functions.Select(f => $"{f.Name} {f.LinkageName} {string.Join(",", f.Ranges)} {f.DeclFile}:{f.DeclLine} inlines {f.Inlines.Count}")];
}
