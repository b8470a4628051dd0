namespace Harness.Symbols.Dwarf;

/// <summary>A compilation unit's header and root attributes: what its DIEs and line program are resolved against.</summary>
internal sealed class UnitInfo
{
    public ulong Offset { get; init; }

    public UnitFormat Format { get; init; }

    public string? Name { get; set; }

    public string? CompDir { get; set; }

    public ulong? StmtList { get; set; }

    /// <summary>The base address for range-list entries: the unit's DW_AT_low_pc.</summary>
    public ulong BaseAddress { get; set; }

    public ulong StrOffsetsBase { get; set; }

    public ulong AddrBase { get; set; }

    public ulong RnglistsBase { get; set; }

    /// <summary>True when the unit's DIEs were not read (nothing in it was wanted).</summary>
    public bool Skipped { get; set; }
}

/// <summary>
/// A DIE the reader keeps: subprograms, inlined calls and the scopes (namespaces, types) that name them.
/// Kept small (56 bytes): a Rust test binary has ~100k of them, and every byte is a page to fault in.
/// </summary>
internal struct DieRecord
{
    /// <summary>DW_AT_name's raw value (a string offset or index), decoded only when a function needs it.</summary>
    public ulong Name;

    /// <summary>DW_AT_linkage_name's raw value (or the older DW_AT_MIPS_linkage_name's).</summary>
    public ulong LinkageName;

    /// <summary>
    /// The global <c>.debug_info</c> offset of the DIE this one completes: DW_AT_specification, else
    /// DW_AT_abstract_origin; 0 for none (no DIE starts at offset 0).
    /// </summary>
    public ulong Next;

    /// <summary>Index of the nearest kept ancestor DIE, or -1 at unit level.</summary>
    public int Parent;

    public int Unit;

    /// <summary>DW_AT_decl_file for a subprogram, DW_AT_call_file for an inlined call: a line-table file index.</summary>
    public uint File;

    /// <summary>DW_AT_decl_line for a subprogram, DW_AT_call_line for an inlined call.</summary>
    public int Line;

    /// <summary>First of this DIE's code ranges in <see cref="InfoReader.RangePool"/>.</summary>
    public int RangeStart;

    /// <summary>How many code ranges: -1 when the DIE has no address attributes, 0 when the linker dropped its code.</summary>
    public int RangeCount;

    public ushort Tag;

    /// <summary>The forms of <see cref="Name"/> and <see cref="LinkageName"/>; 0 when absent.</summary>
    public ushort NameForm;

    public ushort LinkageNameForm;

    public bool IsDeclaration;
}

/// <summary>
/// Walks every unit of <c>.debug_info</c> (DWARF 2–5) and keeps the DIEs that describe functions.
/// Other DIEs are skipped, in one step when their abbreviation has a fixed size.
/// </summary>
internal sealed class InfoReader
{
    private readonly DebugSections _sections;
    private readonly Func<ulong, bool> _isCode;
    private readonly Dictionary<(ulong, UnitFormat), AbbreviationTable> _abbreviations = [];
    private readonly List<AddressRange> _ranges;
    private readonly List<AddressRange> _scratch = [];
    private readonly List<ulong> _offsets;
    private Func<UnitInfo, bool>? _keepUnit;

    private InfoReader(DebugSections sections, Func<ulong, bool> isCode)
    {
        _sections = sections;
        _isCode = isCode;
        // About one kept DIE per 20 bytes of .debug_info in real binaries: size once rather than double big lists.
        var expected = Math.Clamp(sections.Info.Length / 18, 64, Limits.MaxReservedEntries);
        Records = new List<DieRecord>(expected);
        _offsets = new List<ulong>(expected);
        _ranges = new List<AddressRange>(expected / 2);
    }

    public List<UnitInfo> Units { get; } = [];

    public List<DieRecord> Records { get; }

    /// <summary>
    /// The code ranges of all kept DIEs, back to back: one shared array instead of tens of thousands of
    /// tiny ones, which would make every garbage collection during the load copy them.
    /// </summary>
    public AddressRange[] RangePool { get; private set; } = [];

    /// <summary>The index in <see cref="Records"/> of the DIE at a global offset, or -1 when it was not kept.</summary>
    public int IndexOf(ulong offset)
    {
        // Records are appended in section order, so their offsets are sorted.
        var index = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_offsets).BinarySearch(offset);
        return index >= 0 ? index : -1;
    }

    /// <param name="sections">The file's debug sections.</param>
    /// <param name="isCode">Whether an address lies in executable code (dropped functions do not).</param>
    /// <param name="keepUnit">Decides from a unit's root attributes whether its DIEs are read at all; null keeps every unit.</param>
    public static InfoReader Read(DebugSections sections, Func<ulong, bool> isCode, Func<UnitInfo, bool>? keepUnit = null)
    {
        var reader = new InfoReader(sections, isCode) { _keepUnit = keepUnit };
        var info = sections.Info.Span;
        long offset = 0;
        while (offset + 4 <= info.Length)
        {
            offset = reader.ReadUnit(info, (int)offset);
        }
        reader.RangePool = [.. reader._ranges];
        return reader;
    }

    private static bool IsKept(ushort tag) => tag is DwTag.Subprogram or DwTag.InlinedSubroutine or DwTag.Namespace
        or DwTag.ClassType or DwTag.StructureType or DwTag.UnionType or DwTag.InterfaceType;

    private long ReadUnit(ReadOnlySpan<byte> info, int offset)
    {
        var header = new DwarfReader(info, offset);
        var length = header.ReadInitialLength(out var is64);
        if (length > (ulong)header.Remaining)
        {
            throw new MalformedException($"unit at 0x{offset:x} of .debug_info claims 0x{length:x} bytes, only 0x{header.Remaining:x} remain");
        }
        var end = header.Position + (int)length;
        var version = header.ReadU16();
        if (version is < 2 or > 5)
        {
            throw new MalformedException($"unit at 0x{offset:x} of .debug_info has unsupported version {version}");
        }
        int addressSize;
        ulong abbrevOffset;
        if (version >= 5)
        {
            var unitType = header.ReadU8();
            addressSize = header.ReadU8();
            abbrevOffset = header.ReadOffset(is64);
            switch (unitType)
            {
                case DwUt.Skeleton or DwUt.SplitCompile:
                    header.Skip(8); // dwo_id
                    break;
                case DwUt.Type or DwUt.SplitType:
                    header.Skip(8); // type_signature
                    header.ReadOffset(is64); // type_offset
                    break;
            }
        }
        else
        {
            abbrevOffset = header.ReadOffset(is64);
            addressSize = header.ReadU8();
        }
        if (addressSize is not (4 or 8))
        {
            throw new MalformedException($"unit at 0x{offset:x} of .debug_info has address size {addressSize}");
        }
        var format = new UnitFormat(version, addressSize, is64);
        if (!_abbreviations.TryGetValue((abbrevOffset, format), out var table))
        {
            table = AbbreviationTable.Read(_sections.Abbrev.Span, abbrevOffset, format);
            _abbreviations[(abbrevOffset, format)] = table;
        }

        var unit = new UnitInfo { Offset = (ulong)offset, Format = format };
        var unitIndex = Units.Count;
        Units.Add(unit);
        ReadDies(new DwarfReader(info[..end], header.Position), unit, unitIndex, table);
        return end;
    }

    private void ReadDies(DwarfReader reader, UnitInfo unit, int unitIndex, AbbreviationTable table)
    {
        Span<int> scopes = stackalloc int[Limits.MaxDieDepth + 1];
        var depth = 0;
        scopes[0] = -1;
        var isRoot = true;
        Span<(ushort Form, ulong Value)> values = stackalloc (ushort, ulong)[Slot.Count];

        while (!reader.AtEnd)
        {
            var dieOffset = (ulong)reader.Position;
            var code = reader.ReadUleb128();
            if (code == 0)
            {
                // End of a sibling chain; extra zeros at unit end are padding.
                depth = Math.Max(0, depth - 1);
                continue;
            }
            var abbreviation = table.Get(code);
            var tag = abbreviation.Tag;
            var keep = IsKept(tag);
            if (!keep && !isRoot)
            {
                if (abbreviation.FixedSize >= 0)
                {
                    reader.Skip((ulong)abbreviation.FixedSize);
                }
                else
                {
                    foreach (var spec in abbreviation.Attributes)
                    {
                        ReadValue(ref reader, spec.Form, spec.ImplicitConst, unit.Format);
                    }
                }
                Push(ref depth, scopes, abbreviation.HasChildren, scopes[depth]);
                continue;
            }

            values.Clear();
            foreach (var spec in abbreviation.Attributes)
            {
                var value = ReadValue(ref reader, spec.Form, spec.ImplicitConst, unit.Format);
                var slot = Slot.Of(spec.Name);
                if (slot >= 0)
                {
                    values[slot] = (spec.Form, value);
                }
            }

            if (isRoot)
            {
                isRoot = false;
                ReadUnitAttributes(unit, values);
                if (_keepUnit is not null && !_keepUnit(unit))
                {
                    unit.Skipped = true;
                    return;
                }
                Push(ref depth, scopes, abbreviation.HasChildren, -1);
                continue;
            }

            var linkage = values[Slot.LinkageName].Form != 0 ? values[Slot.LinkageName] : values[Slot.MipsLinkageName];
            var (file, line) = tag == DwTag.InlinedSubroutine ? (Slot.CallFile, Slot.CallLine) : (Slot.DeclFile, Slot.DeclLine);
            var next = Reference(unit, values[Slot.Specification]);
            var record = new DieRecord
            {
                Tag = tag,
                Parent = scopes[depth],
                Unit = unitIndex,
                Name = values[Slot.Name].Value,
                NameForm = values[Slot.Name].Form,
                LinkageName = linkage.Value,
                LinkageNameForm = linkage.Form,
                File = (uint)Math.Min(values[file].Value, uint.MaxValue),
                Line = (int)Math.Min(values[line].Value, int.MaxValue),
                Next = next != 0 ? next : Reference(unit, values[Slot.AbstractOrigin]),
                IsDeclaration = values[Slot.Declaration].Form != 0 && values[Slot.Declaration].Value != 0,
            };
            record.RangeCount = -1;
            if (tag is DwTag.Subprogram or DwTag.InlinedSubroutine)
            {
                record.RangeStart = _ranges.Count;
                record.RangeCount = AddRanges(unit, values);
            }
            var index = Records.Count;
            Records.Add(record);
            _offsets.Add(dieOffset);
            Push(ref depth, scopes, abbreviation.HasChildren, index);
        }
    }

    private static void Push(ref int depth, Span<int> scopes, bool hasChildren, int scope)
    {
        if (!hasChildren)
        {
            return;
        }
        if (depth >= Limits.MaxDieDepth)
        {
            throw new MalformedException($"DIEs nest deeper than {Limits.MaxDieDepth} levels");
        }
        scopes[++depth] = scope;
    }

    private void ReadUnitAttributes(UnitInfo unit, Span<(ushort Form, ulong Value)> values)
    {
        // The bases come first: names and addresses in the same DIE may be indices relative to them.
        unit.StrOffsetsBase = values[Slot.StrOffsetsBase].Form != 0 ? values[Slot.StrOffsetsBase].Value : unit.Format.Version >= 5 ? 8UL : 0UL;
        unit.AddrBase = values[Slot.AddrBase].Form != 0 ? values[Slot.AddrBase].Value : values[Slot.GnuAddrBase].Value;
        unit.RnglistsBase = values[Slot.RnglistsBase].Value;
        unit.Name = String(unit, values[Slot.Name]);
        unit.CompDir = String(unit, values[Slot.CompDir]);
        unit.StmtList = values[Slot.StmtList].Form != 0 ? values[Slot.StmtList].Value : null;
        unit.BaseAddress = values[Slot.LowPc].Form != 0 ? Address(unit, values[Slot.LowPc]) : 0;
    }

    /// <summary>Appends a DIE's code ranges to the pool and returns how many, or -1 when it has none.</summary>
    private int AddRanges(UnitInfo unit, Span<(ushort Form, ulong Value)> values)
    {
        // Drop what the linker discarded: copies whose code sits at 0 or outside executable sections.
        if (values[Slot.LowPc].Form != 0 && values[Slot.HighPc].Form != 0)
        {
            var low = Address(unit, values[Slot.LowPc]);
            var (highForm, highValue) = values[Slot.HighPc];
            var high = highForm is DwForm.Addr or DwForm.Addrx or DwForm.Addrx1 or DwForm.Addrx2 or DwForm.Addrx3 or DwForm.Addrx4 or DwForm.GnuAddrIndex
                ? Address(unit, values[Slot.HighPc])
                : low + highValue;
            if (high <= low || !_isCode(low))
            {
                return 0;
            }
            _ranges.Add(new AddressRange(low, high));
            return 1;
        }
        if (values[Slot.Ranges].Form == 0)
        {
            return -1;
        }
        _scratch.Clear();
        RangeLists.Read(_sections, unit, values[Slot.Ranges].Form, values[Slot.Ranges].Value, _scratch);
        var count = 0;
        foreach (var range in _scratch)
        {
            if (range.End > range.Start && _isCode(range.Start))
            {
                _ranges.Add(range);
                count++;
            }
        }
        return count;
    }

    /// <summary>Decodes a string attribute of a DIE of <paramref name="unit"/>; null when absent or in a section we do not read.</summary>
    public string? String(int unit, ushort form, ulong value) => form == 0 ? null : String(Units[unit], (form, value));

    private string? String(UnitInfo unit, (ushort Form, ulong Value) attribute) => attribute.Form switch
    {
        0 => null,
        DwForm.String => DwarfReader.DecodeString(new DwarfReader(_sections.Info.Span, (int)attribute.Value).ReadCString()),
        DwForm.Strp => _sections.ReadStr(attribute.Value),
        DwForm.LineStrp => _sections.ReadLineStr(attribute.Value),
        DwForm.Strx or DwForm.Strx1 or DwForm.Strx2 or DwForm.Strx3 or DwForm.Strx4 or DwForm.GnuStrIndex =>
            _sections.ReadStrx(attribute.Value, unit.StrOffsetsBase, unit.Format.Is64),
        _ => null, // supplementary / alternate string sections are not read
    };

    private ulong Address(UnitInfo unit, (ushort Form, ulong Value) attribute) => attribute.Form switch
    {
        DwForm.Addrx or DwForm.Addrx1 or DwForm.Addrx2 or DwForm.Addrx3 or DwForm.Addrx4 or DwForm.GnuAddrIndex =>
            _sections.ReadAddrx(attribute.Value, unit.AddrBase, unit.Format.AddressSize),
        _ => attribute.Value,
    };

    private static ulong Reference(UnitInfo unit, (ushort Form, ulong Value) attribute) => attribute.Form switch
    {
        DwForm.Ref1 or DwForm.Ref2 or DwForm.Ref4 or DwForm.Ref8 or DwForm.RefUdata => unit.Offset + attribute.Value,
        DwForm.RefAddr => attribute.Value,
        _ => 0, // type signatures and supplementary files: not followed
    };

    /// <summary>
    /// Reads one attribute value. Numbers, addresses, offsets and indices come back as they are;
    /// an inline string comes back as its position in the section; blocks are skipped (value 0).
    /// </summary>
    private static ulong ReadValue(ref DwarfReader reader, ushort form, long implicitConst, UnitFormat format)
    {
        for (var hops = 0; hops < 8; hops++)
        {
            switch (form)
            {
                case DwForm.Addr:
                    return reader.ReadUnsigned(format.AddressSize);
                case DwForm.Data1 or DwForm.Ref1 or DwForm.Flag or DwForm.Strx1 or DwForm.Addrx1:
                    return reader.ReadU8();
                case DwForm.Data2 or DwForm.Ref2 or DwForm.Strx2 or DwForm.Addrx2:
                    return reader.ReadU16();
                case DwForm.Strx3 or DwForm.Addrx3:
                    return reader.ReadU24();
                case DwForm.Data4 or DwForm.Ref4 or DwForm.RefSup4 or DwForm.Strx4 or DwForm.Addrx4:
                    return reader.ReadU32();
                case DwForm.Data8 or DwForm.Ref8 or DwForm.RefSig8 or DwForm.RefSup8:
                    return reader.ReadU64();
                case DwForm.Data16:
                    reader.Skip(16);
                    return 0;
                case DwForm.Strp or DwForm.LineStrp or DwForm.SecOffset or DwForm.StrpSup or DwForm.GnuRefAlt or DwForm.GnuStrpAlt:
                    return reader.ReadOffset(format.Is64);
                case DwForm.RefAddr:
                    return format.Version <= 2 ? reader.ReadUnsigned(format.AddressSize) : reader.ReadOffset(format.Is64);
                case DwForm.Udata or DwForm.RefUdata or DwForm.Strx or DwForm.Addrx or DwForm.Loclistx or DwForm.Rnglistx
                    or DwForm.GnuAddrIndex or DwForm.GnuStrIndex:
                    return reader.ReadUleb128();
                case DwForm.Sdata:
                    return (ulong)reader.ReadSleb128();
                case DwForm.ImplicitConst:
                    return (ulong)implicitConst;
                case DwForm.FlagPresent:
                    return 1;
                case DwForm.String:
                    var position = (ulong)reader.Position;
                    reader.ReadCString();
                    return position;
                case DwForm.Block1:
                    reader.Skip(reader.ReadU8());
                    return 0;
                case DwForm.Block2:
                    reader.Skip(reader.ReadU16());
                    return 0;
                case DwForm.Block4:
                    reader.Skip(reader.ReadU32());
                    return 0;
                case DwForm.Block or DwForm.Exprloc:
                    reader.Skip(reader.ReadUleb128());
                    return 0;
                case DwForm.Indirect:
                    var actual = reader.ReadUleb128();
                    form = actual <= 0xffff ? (ushort)actual : (ushort)0xffff;
                    continue;
                default:
                    throw new MalformedException($"unknown attribute form 0x{form:x} at offset 0x{reader.Position:x} of .debug_info");
            }
        }
        throw new MalformedException($"DW_FORM_indirect chain too long at offset 0x{reader.Position:x} of .debug_info");
    }

    /// <summary>The attributes kept per DIE, each in a fixed slot of a stack buffer.</summary>
    private static class Slot
    {
        public const int Name = 0;
        public const int LinkageName = 1;
        public const int MipsLinkageName = 2;
        public const int LowPc = 3;
        public const int HighPc = 4;
        public const int Ranges = 5;
        public const int DeclFile = 6;
        public const int DeclLine = 7;
        public const int CallFile = 8;
        public const int CallLine = 9;
        public const int Specification = 10;
        public const int AbstractOrigin = 11;
        public const int Declaration = 12;
        public const int StmtList = 13;
        public const int CompDir = 14;
        public const int StrOffsetsBase = 15;
        public const int AddrBase = 16;
        public const int RnglistsBase = 17;
        public const int GnuAddrBase = 18;
        public const int Count = 19;

        public static int Of(ushort attribute) => attribute switch
        {
            DwAt.Name => Name,
            DwAt.LinkageName => LinkageName,
            DwAt.MipsLinkageName => MipsLinkageName,
            DwAt.LowPc => LowPc,
            DwAt.HighPc => HighPc,
            DwAt.Ranges => Ranges,
            DwAt.DeclFile => DeclFile,
            DwAt.DeclLine => DeclLine,
            DwAt.CallFile => CallFile,
            DwAt.CallLine => CallLine,
            DwAt.Specification => Specification,
            DwAt.AbstractOrigin => AbstractOrigin,
            DwAt.Declaration => Declaration,
            DwAt.StmtList => StmtList,
            DwAt.CompDir => CompDir,
            DwAt.StrOffsetsBase => StrOffsetsBase,
            DwAt.AddrBase => AddrBase,
            DwAt.RnglistsBase => RnglistsBase,
            DwAt.GnuAddrBase => GnuAddrBase,
            _ => -1,
        };
    }
}
