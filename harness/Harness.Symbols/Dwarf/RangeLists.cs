namespace Harness.Symbols.Dwarf;

/// <summary>
/// Non-contiguous address ranges: <c>.debug_ranges</c> (DWARF 2–4, spec v4 §2.17.3) and
/// <c>.debug_rnglists</c> (DWARF 5 §2.17.3), including DW_FORM_rnglistx indices.
/// </summary>
internal static class RangeLists
{
    private const int MaxEntries = 1 << 16;

    public static void Read(DebugSections sections, UnitInfo unit, ushort form, ulong value, List<AddressRange> ranges)
    {
        if (unit.Format.Version >= 5)
        {
            var offset = form == DwForm.Rnglistx ? RnglistOffset(sections, unit, value) : value;
            ReadRngList(sections, unit, offset, ranges);
        }
        else
        {
            ReadRanges(sections, unit, value, ranges);
        }
    }

    private static ulong RnglistOffset(DebugSections sections, UnitInfo unit, ulong index)
    {
        var size = (ulong)unit.Format.OffsetSize;
        var position = unit.RnglistsBase + index * size;
        if (index > int.MaxValue || position + size > (ulong)sections.RngLists.Length)
        {
            throw new MalformedException($"range list index {index} is outside .debug_rnglists");
        }
        var reader = new DwarfReader(sections.RngLists.Span, (int)position);
        return unit.RnglistsBase + reader.ReadOffset(unit.Format.Is64);
    }

    private static void ReadRanges(DebugSections sections, UnitInfo unit, ulong offset, List<AddressRange> ranges)
    {
        if (offset >= (ulong)sections.Ranges.Length)
        {
            throw new MalformedException($"range list offset 0x{offset:x} is outside .debug_ranges");
        }
        var reader = new DwarfReader(sections.Ranges.Span, (int)offset);
        var size = unit.Format.AddressSize;
        var baseSelector = size == 8 ? ulong.MaxValue : uint.MaxValue;
        var baseAddress = unit.BaseAddress;
        for (var i = 0; i < MaxEntries; i++)
        {
            var start = reader.ReadUnsigned(size);
            var end = reader.ReadUnsigned(size);
            if (start == 0 && end == 0)
            {
                return;
            }
            if (start == baseSelector)
            {
                baseAddress = end;
                continue;
            }
            ranges.Add(new AddressRange(baseAddress + start, baseAddress + end));
        }
        throw new MalformedException($"range list at 0x{offset:x} of .debug_ranges has no end");
    }

    private static void ReadRngList(DebugSections sections, UnitInfo unit, ulong offset, List<AddressRange> ranges)
    {
        if (offset >= (ulong)sections.RngLists.Length)
        {
            throw new MalformedException($"range list offset 0x{offset:x} is outside .debug_rnglists");
        }
        var reader = new DwarfReader(sections.RngLists.Span, (int)offset);
        var size = unit.Format.AddressSize;
        var baseAddress = unit.BaseAddress;
        for (var i = 0; i < MaxEntries; i++)
        {
            var kind = reader.ReadU8();
            switch (kind)
            {
                case DwRle.EndOfList:
                    return;
                case DwRle.BaseAddressx:
                    baseAddress = sections.ReadAddrx(reader.ReadUleb128(), unit.AddrBase, size);
                    break;
                case DwRle.StartxEndx:
                {
                    var start = sections.ReadAddrx(reader.ReadUleb128(), unit.AddrBase, size);
                    var end = sections.ReadAddrx(reader.ReadUleb128(), unit.AddrBase, size);
                    ranges.Add(new AddressRange(start, end));
                    break;
                }
                case DwRle.StartxLength:
                {
                    var start = sections.ReadAddrx(reader.ReadUleb128(), unit.AddrBase, size);
                    ranges.Add(new AddressRange(start, start + reader.ReadUleb128()));
                    break;
                }
                case DwRle.OffsetPair:
                {
                    var start = reader.ReadUleb128();
                    var end = reader.ReadUleb128();
                    ranges.Add(new AddressRange(baseAddress + start, baseAddress + end));
                    break;
                }
                case DwRle.BaseAddress:
                    baseAddress = reader.ReadUnsigned(size);
                    break;
                case DwRle.StartEnd:
                {
                    var start = reader.ReadUnsigned(size);
                    ranges.Add(new AddressRange(start, reader.ReadUnsigned(size)));
                    break;
                }
                case DwRle.StartLength:
                {
                    var start = reader.ReadUnsigned(size);
                    ranges.Add(new AddressRange(start, start + reader.ReadUleb128()));
                    break;
                }
                default:
                    throw new MalformedException($"unknown range list entry kind {kind} at 0x{reader.Position - 1:x} of .debug_rnglists");
            }
        }
        throw new MalformedException($"range list at 0x{offset:x} of .debug_rnglists has no end");
    }
}
