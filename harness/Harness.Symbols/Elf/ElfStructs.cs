using System.Runtime.InteropServices;

namespace Harness.Symbols.Elf;

// On-disk ELF structures, field for field as in <elf.h>, read with MemoryMarshal after a bounds check.

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf64Chdr
{
    public uint Type;      // ch_type: ELFCOMPRESS_ZLIB (1) or ELFCOMPRESS_ZSTD (2)
    public uint Reserved;  // ch_reserved
    public ulong Size;     // ch_size: size of the uncompressed data
    public ulong AddrAlign; // ch_addralign
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf32Chdr
{
    public uint Type;      // ch_type
    public uint Size;      // ch_size
    public uint AddrAlign; // ch_addralign
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct ElfIdentAndType
{
    public uint Magic;      // e_ident[EI_MAG0..EI_MAG3]: 0x7f 'E' 'L' 'F'
    public byte Class;      // e_ident[EI_CLASS]: 1 = ELFCLASS32, 2 = ELFCLASS64
    public byte Data;       // e_ident[EI_DATA]: 1 = little-endian, 2 = big-endian
    public byte Version;    // e_ident[EI_VERSION]
    public byte OsAbi;      // e_ident[EI_OSABI]
    public ulong Padding;   // e_ident[EI_ABIVERSION..EI_NIDENT-1]
    public ushort Type;     // e_type
    public ushort Machine;  // e_machine
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf64Ehdr
{
    public ElfIdentAndType Ident; // e_ident, e_type, e_machine
    public uint Version;          // e_version
    public ulong Entry;           // e_entry
    public ulong PhOff;           // e_phoff
    public ulong ShOff;           // e_shoff
    public uint Flags;            // e_flags
    public ushort EhSize;         // e_ehsize
    public ushort PhEntSize;      // e_phentsize
    public ushort PhNum;          // e_phnum
    public ushort ShEntSize;      // e_shentsize
    public ushort ShNum;          // e_shnum
    public ushort ShStrNdx;       // e_shstrndx
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf32Ehdr
{
    public ElfIdentAndType Ident; // e_ident, e_type, e_machine
    public uint Version;          // e_version
    public uint Entry;            // e_entry
    public uint PhOff;            // e_phoff
    public uint ShOff;            // e_shoff
    public uint Flags;            // e_flags
    public ushort EhSize;         // e_ehsize
    public ushort PhEntSize;      // e_phentsize
    public ushort PhNum;          // e_phnum
    public ushort ShEntSize;      // e_shentsize
    public ushort ShNum;          // e_shnum
    public ushort ShStrNdx;       // e_shstrndx
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf64Shdr
{
    public uint Name;       // sh_name: offset in the section-name string table
    public uint Type;       // sh_type
    public ulong Flags;     // sh_flags
    public ulong Addr;      // sh_addr
    public ulong Offset;    // sh_offset
    public ulong Size;      // sh_size
    public uint Link;       // sh_link
    public uint Info;       // sh_info
    public ulong AddrAlign; // sh_addralign
    public ulong EntSize;   // sh_entsize
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf32Shdr
{
    public uint Name;      // sh_name
    public uint Type;      // sh_type
    public uint Flags;     // sh_flags
    public uint Addr;      // sh_addr
    public uint Offset;    // sh_offset
    public uint Size;      // sh_size
    public uint Link;      // sh_link
    public uint Info;      // sh_info
    public uint AddrAlign; // sh_addralign
    public uint EntSize;   // sh_entsize
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf64Phdr
{
    public uint Type;     // p_type
    public uint Flags;    // p_flags
    public ulong Offset;  // p_offset
    public ulong VAddr;   // p_vaddr
    public ulong PAddr;   // p_paddr
    public ulong FileSz;  // p_filesz
    public ulong MemSz;   // p_memsz
    public ulong Align;   // p_align
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf32Phdr
{
    public uint Type;   // p_type
    public uint Offset; // p_offset
    public uint VAddr;  // p_vaddr
    public uint PAddr;  // p_paddr
    public uint FileSz; // p_filesz
    public uint MemSz;  // p_memsz
    public uint Flags;  // p_flags
    public uint Align;  // p_align
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf64Sym
{
    public uint Name;      // st_name: offset in the linked string table
    public byte Info;      // st_info: binding << 4 | type
    public byte Other;     // st_other: visibility
    public ushort Shndx;   // st_shndx: section index, 0 = undefined
    public ulong Value;    // st_value
    public ulong Size;     // st_size
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf32Sym
{
    public uint Name;      // st_name
    public uint Value;     // st_value
    public uint Size;      // st_size
    public byte Info;      // st_info
    public byte Other;     // st_other
    public ushort Shndx;   // st_shndx
}

[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct Elf64Rela
{
    public ulong Offset;  // r_offset: the address the relocation patches
    public ulong Info;    // r_info: symbol index << 32 | type
    public long Addend;   // r_addend
}
