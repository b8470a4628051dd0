using Harness.Symbols.Elf;

namespace Harness.Symbols.Dwarf;

/// <summary>The DWARF sections of one ELF file (inflated when compressed) and cached string decoding.</summary>
internal sealed class DebugSections
{
    private readonly Dictionary<ulong, string> _strCache = [];
    private readonly Dictionary<ulong, string> _lineStrCache = [];

    public DebugSections(ElfImage image)
    {
        Info = image.ReadDebugSection(".debug_info");
        Abbrev = image.ReadDebugSection(".debug_abbrev");
        Line = image.ReadDebugSection(".debug_line");
        Str = image.ReadDebugSection(".debug_str");
        LineStr = image.ReadDebugSection(".debug_line_str");
        Ranges = image.ReadDebugSection(".debug_ranges");
        RngLists = image.ReadDebugSection(".debug_rnglists");
        Addr = image.ReadDebugSection(".debug_addr");
        StrOffsets = image.ReadDebugSection(".debug_str_offsets");
        AddressSize = image.AddressSize;
    }

    public ReadOnlyMemory<byte> Info { get; }

    public ReadOnlyMemory<byte> Abbrev { get; }

    public ReadOnlyMemory<byte> Line { get; }

    public ReadOnlyMemory<byte> Str { get; }

    public ReadOnlyMemory<byte> LineStr { get; }

    public ReadOnlyMemory<byte> Ranges { get; }

    public ReadOnlyMemory<byte> RngLists { get; }

    public ReadOnlyMemory<byte> Addr { get; }

    public ReadOnlyMemory<byte> StrOffsets { get; }

    /// <summary>The ELF class's address size, for line programs whose header does not say.</summary>
    public int AddressSize { get; }

    public string ReadStr(ulong offset) => ReadCached(Str.Span, offset, _strCache, ".debug_str");

    public string ReadLineStr(ulong offset) => ReadCached(LineStr.Span, offset, _lineStrCache, ".debug_line_str");

    /// <summary>Resolves a DW_FORM_strx index through <c>.debug_str_offsets</c> at the unit's base.</summary>
    public string ReadStrx(ulong index, ulong strOffsetsBase, bool is64)
    {
        var size = is64 ? 8UL : 4UL;
        var position = strOffsetsBase + index * size;
        if (index > int.MaxValue || position + size > (ulong)StrOffsets.Length)
        {
            throw new MalformedException($"string index {index} is outside .debug_str_offsets");
        }
        var reader = new DwarfReader(StrOffsets.Span, (int)position);
        return ReadStr(reader.ReadOffset(is64));
    }

    /// <summary>Resolves a DW_FORM_addrx index through <c>.debug_addr</c> at the unit's base.</summary>
    public ulong ReadAddrx(ulong index, ulong addrBase, int addressSize)
    {
        var position = addrBase + index * (ulong)addressSize;
        if (index > int.MaxValue || position + (ulong)addressSize > (ulong)Addr.Length)
        {
            throw new MalformedException($"address index {index} is outside .debug_addr");
        }
        var reader = new DwarfReader(Addr.Span, (int)position);
        return reader.ReadUnsigned(addressSize);
    }

    private static string ReadCached(ReadOnlySpan<byte> section, ulong offset, Dictionary<ulong, string> cache, string name)
    {
        if (cache.TryGetValue(offset, out var cached))
        {
            return cached;
        }
        if (offset >= (ulong)section.Length)
        {
            throw new MalformedException($"string offset 0x{offset:x} is outside {name} (0x{section.Length:x} bytes)");
        }
        var reader = new DwarfReader(section, (int)offset);
        var text = DwarfReader.DecodeString(reader.ReadCString());
        cache[offset] = text;
        return text;
    }
}
