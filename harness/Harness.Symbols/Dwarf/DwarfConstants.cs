namespace Harness.Symbols.Dwarf;

// The subset of the DWARF 5 constants (spec §7) that the reader acts on. Names follow the spec.

internal static class DwTag
{
    public const ushort ClassType = 0x02;
    public const ushort EnumerationType = 0x04;
    public const ushort LexicalBlock = 0x0b;
    public const ushort StructureType = 0x13;
    public const ushort UnionType = 0x17;
    public const ushort InlinedSubroutine = 0x1d;
    public const ushort CompileUnit = 0x11;
    public const ushort Subprogram = 0x2e;
    public const ushort InterfaceType = 0x38;
    public const ushort Namespace = 0x39;
    public const ushort PartialUnit = 0x3c;
    public const ushort TypeUnit = 0x41;
    public const ushort SkeletonUnit = 0x4a;
}

internal static class DwAt
{
    public const ushort Name = 0x03;
    public const ushort StmtList = 0x10;
    public const ushort LowPc = 0x11;
    public const ushort HighPc = 0x12;
    public const ushort CompDir = 0x1b;
    public const ushort Inline = 0x20;
    public const ushort AbstractOrigin = 0x31;
    public const ushort DeclFile = 0x3a;
    public const ushort DeclLine = 0x3b;
    public const ushort Declaration = 0x3c;
    public const ushort Specification = 0x47;
    public const ushort Ranges = 0x55;
    public const ushort CallFile = 0x58;
    public const ushort CallLine = 0x59;
    public const ushort LinkageName = 0x6e;
    public const ushort StrOffsetsBase = 0x72;
    public const ushort AddrBase = 0x73;
    public const ushort RnglistsBase = 0x74;
    public const ushort MipsLinkageName = 0x2007;
    public const ushort GnuRangesBase = 0x2132;
    public const ushort GnuAddrBase = 0x2133;
}

internal static class DwForm
{
    public const ushort Addr = 0x01;
    public const ushort Block2 = 0x03;
    public const ushort Block4 = 0x04;
    public const ushort Data2 = 0x05;
    public const ushort Data4 = 0x06;
    public const ushort Data8 = 0x07;
    public const ushort String = 0x08;
    public const ushort Block = 0x09;
    public const ushort Block1 = 0x0a;
    public const ushort Data1 = 0x0b;
    public const ushort Flag = 0x0c;
    public const ushort Sdata = 0x0d;
    public const ushort Strp = 0x0e;
    public const ushort Udata = 0x0f;
    public const ushort RefAddr = 0x10;
    public const ushort Ref1 = 0x11;
    public const ushort Ref2 = 0x12;
    public const ushort Ref4 = 0x13;
    public const ushort Ref8 = 0x14;
    public const ushort RefUdata = 0x15;
    public const ushort Indirect = 0x16;
    public const ushort SecOffset = 0x17;
    public const ushort Exprloc = 0x18;
    public const ushort FlagPresent = 0x19;
    public const ushort Strx = 0x1a;
    public const ushort Addrx = 0x1b;
    public const ushort RefSup4 = 0x1c;
    public const ushort StrpSup = 0x1d;
    public const ushort Data16 = 0x1e;
    public const ushort LineStrp = 0x1f;
    public const ushort RefSig8 = 0x20;
    public const ushort ImplicitConst = 0x21;
    public const ushort Loclistx = 0x22;
    public const ushort Rnglistx = 0x23;
    public const ushort RefSup8 = 0x24;
    public const ushort Strx1 = 0x25;
    public const ushort Strx2 = 0x26;
    public const ushort Strx3 = 0x27;
    public const ushort Strx4 = 0x28;
    public const ushort Addrx1 = 0x29;
    public const ushort Addrx2 = 0x2a;
    public const ushort Addrx3 = 0x2b;
    public const ushort Addrx4 = 0x2c;
    public const ushort GnuAddrIndex = 0x1f01;
    public const ushort GnuStrIndex = 0x1f02;
    public const ushort GnuRefAlt = 0x1f20;
    public const ushort GnuStrpAlt = 0x1f21;
}

internal static class DwUt
{
    public const byte Compile = 0x01;
    public const byte Type = 0x02;
    public const byte Partial = 0x03;
    public const byte Skeleton = 0x04;
    public const byte SplitCompile = 0x05;
    public const byte SplitType = 0x06;
}

internal static class DwLns
{
    public const byte Copy = 1;
    public const byte AdvancePc = 2;
    public const byte AdvanceLine = 3;
    public const byte SetFile = 4;
    public const byte SetColumn = 5;
    public const byte NegateStmt = 6;
    public const byte SetBasicBlock = 7;
    public const byte ConstAddPc = 8;
    public const byte FixedAdvancePc = 9;
    public const byte SetPrologueEnd = 10;
    public const byte SetEpilogueBegin = 11;
    public const byte SetIsa = 12;
}

internal static class DwLne
{
    public const byte EndSequence = 1;
    public const byte SetAddress = 2;
    public const byte DefineFile = 3;
    public const byte SetDiscriminator = 4;
}

internal static class DwLnct
{
    public const ushort Path = 1;
    public const ushort DirectoryIndex = 2;
    public const ushort Timestamp = 3;
    public const ushort Size = 4;
    public const ushort Md5 = 5;
}

internal static class DwRle
{
    public const byte EndOfList = 0;
    public const byte BaseAddressx = 1;
    public const byte StartxEndx = 2;
    public const byte StartxLength = 3;
    public const byte OffsetPair = 4;
    public const byte BaseAddress = 5;
    public const byte StartEnd = 6;
    public const byte StartLength = 7;
}
