namespace Harness.Symbols.Dwarf;

/// <summary>
/// Decodes one line-number program of <c>.debug_line</c> (DWARF 2–5, spec §6.2): the header with its
/// directory and file tables, then the state machine, appending rows to a shared list.
/// </summary>
internal static class LineProgram
{
    /// <param name="sections">The file's debug sections.</param>
    /// <param name="offset">Where this program's unit header starts in <c>.debug_line</c>.</param>
    /// <param name="compDir">The comp_dir of the unit that owns the program, when one does.</param>
    /// <param name="files">Interns resolved paths.</param>
    /// <param name="isCode">Says whether an address lies in executable code; sequences starting elsewhere are dropped.</param>
    /// <param name="rows">Receives the rows of kept sequences.</param>
    /// <param name="rows">Receives the rows of kept sequences; null reads the header (directories and files) only.</param>
    /// <returns>The offset of the next program, and the program's file indices mapped to <paramref name="files"/> ids.</returns>
    public static (long Next, int[] FileIds) Read(
        DebugSections sections, int offset, string? compDir, FileTable files, Func<ulong, bool> isCode, List<LineRow>? rows)
    {
        var reader = new DwarfReader(sections.Line.Span, offset);
        var unitLength = reader.ReadInitialLength(out var is64);
        if (unitLength > (ulong)reader.Remaining)
        {
            throw new MalformedException($"line program at 0x{offset:x} claims 0x{unitLength:x} bytes, only 0x{reader.Remaining:x} remain");
        }
        var end = reader.Position + (int)unitLength;
        var unit = new DwarfReader(sections.Line.Span[..end], reader.Position);

        var version = unit.ReadU16();
        if (version is < 2 or > 5)
        {
            throw new MalformedException($"line program at 0x{offset:x} has unsupported version {version}");
        }
        var addressSize = sections.AddressSize;
        if (version >= 5)
        {
            addressSize = unit.ReadU8();
            unit.ReadU8(); // segment_selector_size
            if (addressSize is not (4 or 8))
            {
                throw new MalformedException($"line program at 0x{offset:x} has address size {addressSize}");
            }
        }
        var headerLength = unit.ReadOffset(is64);
        if (headerLength > (ulong)unit.Remaining)
        {
            throw new MalformedException($"line program at 0x{offset:x} has a header longer than the program");
        }
        var programStart = unit.Position + (int)headerLength;
        var minInstructionLength = unit.ReadU8();
        var maxOpsPerInstruction = version >= 4 ? unit.ReadU8() : (byte)1;
        var defaultIsStmt = unit.ReadU8() != 0;
        var lineBase = (sbyte)unit.ReadU8();
        var lineRange = unit.ReadU8();
        var opcodeBase = unit.ReadU8();
        if (lineRange == 0)
        {
            throw new MalformedException($"line program at 0x{offset:x} has line_range 0");
        }
        if (maxOpsPerInstruction == 0)
        {
            throw new MalformedException($"line program at 0x{offset:x} has maximum_operations_per_instruction 0");
        }
        Span<byte> standardLengths = stackalloc byte[256];
        for (var i = 1; i < opcodeBase; i++)
        {
            standardLengths[i] = unit.ReadU8();
        }

        var fileIds = new List<int>();
        if (version >= 5)
        {
            ReadV5Tables(ref unit, sections, is64, compDir, files, fileIds, offset);
        }
        else
        {
            ReadV4Tables(ref unit, compDir, files, fileIds);
        }

        if (rows is null)
        {
            return (end, fileIds.ToArray());
        }
        unit.Seek(programStart);
        RunStateMachine(ref unit, version, addressSize, minInstructionLength, maxOpsPerInstruction, defaultIsStmt,
            lineBase, lineRange, opcodeBase, standardLengths, compDir, files, fileIds, isCode, rows);
        return (end, fileIds.ToArray());
    }

    private static void ReadV4Tables(ref DwarfReader unit, string? compDir, FileTable files, List<int> fileIds)
    {
        // Directory 0 is the comp_dir, implicit; file 0 does not exist (file register 1 is the first entry).
        var directories = new List<string> { compDir ?? "" };
        while (true)
        {
            var dir = unit.ReadCString();
            if (dir.IsEmpty)
            {
                break;
            }
            if (directories.Count > Limits.MaxLineTableEntries)
            {
                throw new MalformedException("too many include directories");
            }
            directories.Add(DwarfReader.DecodeString(dir));
        }
        fileIds.Add(-1);
        while (true)
        {
            var name = unit.ReadCString();
            if (name.IsEmpty)
            {
                break;
            }
            var dirIndex = unit.ReadUleb128();
            unit.ReadUleb128(); // modification time
            unit.ReadUleb128(); // length
            if (fileIds.Count > Limits.MaxLineTableEntries)
            {
                throw new MalformedException("too many file entries");
            }
            fileIds.Add(ResolveEntry(compDir, directories, dirIndex, DwarfReader.DecodeString(name), files));
        }
    }

    private static void ReadV5Tables(ref DwarfReader unit, DebugSections sections, bool is64, string? compDir, FileTable files, List<int> fileIds, int offset)
    {
        var directories = new List<string>();
        var dirFormats = ReadEntryFormats(ref unit);
        var dirCount = unit.ReadUleb128();
        if (dirCount > Limits.MaxLineTableEntries)
        {
            throw new MalformedException($"line program at 0x{offset:x} claims {dirCount} directories");
        }
        for (ulong i = 0; i < dirCount; i++)
        {
            var (path, _) = ReadEntry(ref unit, dirFormats, sections, is64);
            directories.Add(path ?? "");
        }
        // In DWARF 5, directory 0 is the unit's comp_dir as the producer recorded it.
        var unitDir = compDir ?? (directories.Count > 0 ? directories[0] : null);

        var fileFormats = ReadEntryFormats(ref unit);
        var fileCount = unit.ReadUleb128();
        if (fileCount > Limits.MaxLineTableEntries)
        {
            throw new MalformedException($"line program at 0x{offset:x} claims {fileCount} files");
        }
        for (ulong i = 0; i < fileCount; i++)
        {
            var (path, dirIndex) = ReadEntry(ref unit, fileFormats, sections, is64);
            fileIds.Add(path is null ? -1 : ResolveEntry(unitDir, directories, dirIndex, path, files));
        }
    }

    private static int ResolveEntry(string? compDir, List<string> directories, ulong dirIndex, string name, FileTable files)
    {
        var directory = dirIndex < (ulong)directories.Count ? directories[(int)dirIndex] : "";
        return files.Resolve(compDir, directory, name);
    }

    private static (ushort ContentType, ushort Form)[] ReadEntryFormats(ref DwarfReader unit)
    {
        var count = unit.ReadU8();
        if (count > Limits.MaxEntryFormats)
        {
            throw new MalformedException($"{count} entry formats in a line-program header");
        }
        var formats = new (ushort, ushort)[count];
        for (var i = 0; i < count; i++)
        {
            formats[i] = (Narrow(unit.ReadUleb128()), Narrow(unit.ReadUleb128()));
        }
        return formats;
    }

    private static (string? Path, ulong DirIndex) ReadEntry(ref DwarfReader unit, (ushort ContentType, ushort Form)[] formats, DebugSections sections, bool is64)
    {
        string? path = null;
        ulong dirIndex = 0;
        foreach (var (contentType, form) in formats)
        {
            switch (contentType)
            {
                case DwLnct.Path:
                    path = ReadString(ref unit, form, sections, is64);
                    break;
                case DwLnct.DirectoryIndex:
                    dirIndex = ReadUnsignedForm(ref unit, form);
                    break;
                default:
                    SkipForm(ref unit, form, is64);
                    break;
            }
        }
        return (path, dirIndex);
    }

    private static string ReadString(ref DwarfReader unit, ushort form, DebugSections sections, bool is64) => form switch
    {
        DwForm.String => DwarfReader.DecodeString(unit.ReadCString()),
        DwForm.LineStrp => sections.ReadLineStr(unit.ReadOffset(is64)),
        DwForm.Strp => sections.ReadStr(unit.ReadOffset(is64)),
        // strx in a line table would need the owning unit's str_offsets_base; producers use line_strp.
        DwForm.Strx or DwForm.Strx1 or DwForm.Strx2 or DwForm.Strx3 or DwForm.Strx4 => sections.ReadStrx(ReadUnsignedForm(ref unit, form), 8, is64),
        _ => throw new MalformedException($"line-table path uses form 0x{form:x}, which is not a string form"),
    };

    private static ulong ReadUnsignedForm(ref DwarfReader unit, ushort form) => form switch
    {
        DwForm.Data1 or DwForm.Strx1 => unit.ReadU8(),
        DwForm.Data2 or DwForm.Strx2 => unit.ReadU16(),
        DwForm.Strx3 => unit.ReadU24(),
        DwForm.Data4 or DwForm.Strx4 => unit.ReadU32(),
        DwForm.Data8 => unit.ReadU64(),
        DwForm.Udata or DwForm.Strx => unit.ReadUleb128(),
        _ => throw new MalformedException($"line-table entry uses form 0x{form:x} where a number belongs"),
    };

    private static void SkipForm(ref DwarfReader unit, ushort form, bool is64)
    {
        switch (form)
        {
            case DwForm.Data16:
                unit.Skip(16);
                break;
            case DwForm.Block:
                unit.Skip(unit.ReadUleb128());
                break;
            case DwForm.Block1:
                unit.Skip(unit.ReadU8());
                break;
            case DwForm.Block2:
                unit.Skip(unit.ReadU16());
                break;
            case DwForm.Block4:
                unit.Skip(unit.ReadU32());
                break;
            case DwForm.String:
                unit.ReadCString();
                break;
            case DwForm.LineStrp or DwForm.Strp or DwForm.SecOffset:
                unit.ReadOffset(is64);
                break;
            case DwForm.Sdata:
                unit.ReadSleb128();
                break;
            default:
                ReadUnsignedForm(ref unit, form);
                break;
        }
    }

    private static void RunStateMachine(
        ref DwarfReader unit, int version, int addressSize, byte minInstructionLength, byte maxOps, bool defaultIsStmt,
        sbyte lineBase, byte lineRange, byte opcodeBase, scoped ReadOnlySpan<byte> standardLengths,
        string? compDir, FileTable files, List<int> fileIds, Func<ulong, bool> isCode, List<LineRow> rows)
    {
        // File register values: DWARF 5 counts files from 0, earlier versions from 1 (we put a -1 at 0).
        ulong address = 0;
        uint opIndex = 0;
        ulong file = 1;
        long line = 1;
        ulong column = 0;
        var isStmt = defaultIsStmt;
        var flags = LineFlags.None;
        uint discriminator = 0;
        var sequenceStart = rows.Count;

        void Emit(List<LineRow> rows, LineFlags extra)
        {
            var f = (isStmt ? LineFlags.IsStatement : LineFlags.None) | flags | extra;
            var fileId = file < (ulong)fileIds.Count ? fileIds[(int)file] : -1;
            rows.Add(new LineRow(address, fileId, (int)Math.Clamp(line, 0, int.MaxValue), (int)Math.Min(column, int.MaxValue), discriminator, f));
            discriminator = 0;
            flags = LineFlags.None;
        }

        void Advance(ulong operationAdvance)
        {
            if (maxOps == 1)
            {
                address += minInstructionLength * operationAdvance;
            }
            else
            {
                var total = opIndex + operationAdvance;
                address += minInstructionLength * (total / maxOps);
                opIndex = (uint)(total % maxOps);
            }
        }

        while (!unit.AtEnd)
        {
            var opcode = unit.ReadU8();
            if (opcode >= opcodeBase)
            {
                var adjusted = opcode - opcodeBase;
                Advance((ulong)(adjusted / lineRange));
                line += lineBase + (adjusted % lineRange);
                Emit(rows, LineFlags.None);
                continue;
            }
            switch (opcode)
            {
                case 0:
                    var length = unit.ReadUleb128();
                    if (length == 0 || length > (ulong)unit.Remaining)
                    {
                        throw new MalformedException($"extended opcode of length {length} at 0x{unit.Position:x} in .debug_line");
                    }
                    var next = unit.Position + (int)length;
                    var extended = unit.ReadU8();
                    switch (extended)
                    {
                        case DwLne.EndSequence:
                            Emit(rows, LineFlags.EndSequence);
                            if (!isCode(rows[sequenceStart].Address))
                            {
                                // The linker dropped this function (gc-sections, COMDAT): its rows sit at or near 0.
                                rows.RemoveRange(sequenceStart, rows.Count - sequenceStart);
                            }
                            sequenceStart = rows.Count;
                            address = 0;
                            opIndex = 0;
                            file = 1;
                            line = 1;
                            column = 0;
                            isStmt = defaultIsStmt;
                            break;
                        case DwLne.SetAddress:
                            var size = (int)length - 1;
                            address = size is 1 or 2 or 4 or 8 ? unit.ReadUnsigned(size) : unit.ReadUnsigned(addressSize);
                            opIndex = 0;
                            break;
                        case DwLne.DefineFile when version <= 4:
                            var name = DwarfReader.DecodeString(unit.ReadCString());
                            unit.ReadUleb128(); // directory index: rarely used, resolved against comp_dir
                            if (fileIds.Count < Limits.MaxLineTableEntries)
                            {
                                fileIds.Add(files.Resolve(compDir, "", name));
                            }
                            break;
                        case DwLne.SetDiscriminator:
                            discriminator = (uint)Math.Min(unit.ReadUleb128(), uint.MaxValue);
                            break;
                    }
                    unit.Seek(next);
                    break;
                case DwLns.Copy:
                    Emit(rows, LineFlags.None);
                    break;
                case DwLns.AdvancePc:
                    Advance(unit.ReadUleb128());
                    break;
                case DwLns.AdvanceLine:
                    line += unit.ReadSleb128();
                    break;
                case DwLns.SetFile:
                    file = unit.ReadUleb128();
                    break;
                case DwLns.SetColumn:
                    column = unit.ReadUleb128();
                    break;
                case DwLns.NegateStmt:
                    isStmt = !isStmt;
                    break;
                case DwLns.SetBasicBlock:
                    flags |= LineFlags.BasicBlock;
                    break;
                case DwLns.ConstAddPc:
                    Advance((ulong)((255 - opcodeBase) / lineRange));
                    break;
                case DwLns.FixedAdvancePc:
                    address += unit.ReadU16();
                    opIndex = 0;
                    break;
                case DwLns.SetPrologueEnd:
                    flags |= LineFlags.PrologueEnd;
                    break;
                case DwLns.SetEpilogueBegin:
                    flags |= LineFlags.EpilogueBegin;
                    break;
                default:
                    // DwLns.SetIsa and opcodes unknown to us: skip the operands the header declares.
                    for (var i = 0; i < standardLengths[opcode]; i++)
                    {
                        unit.ReadUleb128();
                    }
                    break;
            }
        }
        // A program that ends without DW_LNE_end_sequence is malformed; drop its unfinished sequence.
        rows.RemoveRange(sequenceStart, rows.Count - sequenceStart);
    }

    private static ushort Narrow(ulong value) =>
        value <= ushort.MaxValue ? (ushort)value : throw new MalformedException($"value 0x{value:x} out of range in a line-program header");
}
