using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Harness.Symbols.Elf;

/// <summary>One section as the section header describes it, offsets already checked against the file.</summary>
internal readonly record struct ElfSection(string Name, ulong Address, long Offset, long Size, ulong Flags, bool HasBytes, uint Type = 0, uint Link = 0)
{
    public const uint ShtSymTab = 2;
    public const uint ShtDynSym = 11;

    public const ulong ShfExecInstr = 0x4;
    public const ulong ShfAlloc = 0x2;
    public const ulong ShfCompressed = 0x800;

    public bool IsExecutable => (Flags & (ShfExecInstr | ShfAlloc)) == (ShfExecInstr | ShfAlloc);

    public bool IsCompressed => (Flags & ShfCompressed) != 0;
}

/// <summary>
/// An ELF file mapped read-only into memory. Headers are read with the blittable structs of
/// <see cref="Elf64Ehdr"/> and friends after a bounds check each, so a truncated or hostile file fails
/// with a clear message. Symbol tables are read only on request (<see cref="ElfSymbolTable"/>).
/// Section contents are slices of the mapping; compressed debug sections are inflated on request.
/// </summary>
internal sealed unsafe class ElfImage : IDisposable
{
    private const ushort EtRel = 1;
    private const ushort EtExec = 2;
    private const ushort EtDyn = 3;
    private const uint ElfCompressZlib = 1;
    private const uint ElfCompressZstd = 2;
    private const uint ShtNull = 0;
    private const uint ShtNoBits = 8;
    private const uint PtLoad = 1;
    private const uint PfX = 1;

    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly UnmanagedMemoryManager _memory;
    private readonly Dictionary<string, ElfSection> _sectionsByName = new(StringComparer.Ordinal);
    private bool _disposed;

    private ElfImage(string path, MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* pointer, int length)
    {
        Path = path;
        _file = file;
        _view = view;
        _memory = new UnmanagedMemoryManager(pointer, length);
    }

    public string Path { get; }

    public bool Is64 { get; private set; }

    /// <summary>e_type: 2 for a fixed-address executable, 3 for a PIE or shared library.</summary>
    public ushort FileType { get; private set; }

    public ushort Machine { get; private set; }

    public IReadOnlyList<ElfSection> Sections { get; private set; } = [];

    /// <summary>Address ranges [start, end) of allocated, executable sections: where code can really be.</summary>
    public IReadOnlyList<(ulong Start, ulong End)> ExecutableRanges { get; private set; } = [];

    public int AddressSize => Is64 ? 8 : 4;

    private ReadOnlySpan<byte> Bytes => _memory.GetSpan();

    /// <summary>Maps and checks the file. Throws <see cref="SymbolReadException"/> naming the file on any problem.</summary>
    public static ElfImage Open(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
            {
                // Versioned sonames (libfoo.so.1 -> libfoo.so.1.2.3) are links: size and read the file itself.
                info = target;
            }
            if (!info.Exists)
            {
                throw new SymbolReadException(path, Directory.Exists(path) ? "is a directory, not an ELF file" : "no such file");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SymbolReadException(path, e.Message, e);
        }
        if (info.Length > int.MaxValue)
        {
            throw new SymbolReadException(path, $"file is {info.Length} bytes; files over 2 GiB are not supported");
        }
        if (info.Length < sizeof(Elf32Ehdr))
        {
            throw new SymbolReadException(path, StartsWithElfMagic(path)
                ? $"truncated ELF file ({info.Length} bytes: too short for the ELF header)"
                : $"not an ELF file ({info.Length} bytes: too short to hold an ELF header)");
        }

        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        ElfImage? image = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(info.FullName, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            image = new ElfImage(path, file, view, pointer, (int)info.Length);
            image.ReadHeaders();
            return image;
        }
        catch (Exception e)
        {
            image?.Dispose();
            if (image is null)
            {
                view?.Dispose();
                file?.Dispose();
            }
            throw e switch
            {
                MalformedException or IOException or UnauthorizedAccessException => new SymbolReadException(path, e.Message, e),
                // A defect of ours on input we failed to check: still this file's fault, still one line.
                _ => new SymbolReadException(path, $"not a valid ELF file ({e.GetType().Name}: {e.Message})", e),
            };
        }
    }

    private static bool StartsWithElfMagic(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            return file.Read(magic) == 4 && magic.SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public bool TryGetSection(string name, out ElfSection section) => _sectionsByName.TryGetValue(name, out section);

    /// <summary>
    /// The contents of a section, inflated when it is SHF_COMPRESSED (zlib or zstd) or a legacy
    /// <c>.zdebug_*</c> section; empty when the file has no such section.
    /// </summary>
    public ReadOnlyMemory<byte> ReadDebugSection(string name)
    {
        if (TryGetSection(name, out var section))
        {
            return section.IsCompressed ? Inflate(section) : Slice(section);
        }
        if (name.StartsWith(".debug_", StringComparison.Ordinal) && TryGetSection(".z" + name[1..], out var legacy))
        {
            return InflateLegacy(legacy);
        }
        return ReadOnlyMemory<byte>.Empty;
    }

    public ReadOnlyMemory<byte> Slice(ElfSection section) =>
        section.HasBytes ? _memory.Memory.Slice((int)section.Offset, (int)section.Size) : ReadOnlyMemory<byte>.Empty;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
    }

    private void ReadHeaders()
    {
        var bytes = Bytes;
        var ident = MemoryMarshal.Read<ElfIdentAndType>(bytes);
        if (ident.Magic != 0x464c457f)
        {
            throw new MalformedException("not an ELF file (bad magic number)");
        }
        if (ident.Class is not (1 or 2))
        {
            throw new MalformedException($"not a valid ELF file (unknown class {ident.Class})");
        }
        if (ident.Data != 1)
        {
            throw new MalformedException(ident.Data == 2 ? "big-endian ELF files are not supported" : $"not a valid ELF file (unknown data encoding {ident.Data})");
        }
        Is64 = ident.Class == 2;
        FileType = ident.Type;
        Machine = ident.Machine;
        if (FileType == EtRel)
        {
            // Its debug sections need relocations applied before any address or string offset means anything.
            throw new MalformedException("a relocatable object file (.o): link it into an executable or shared library first");
        }
        if (FileType is not (EtExec or EtDyn))
        {
            throw new MalformedException(FileType == 4 ? "a core dump has no line tables" : $"unsupported ELF file type {FileType}");
        }

        ulong shOff, phOff;
        int shEntSize, shNum, phEntSize, phNum, expectedSh, expectedPh;
        ushort shStrNdx;
        if (Is64)
        {
            var header = ReadStruct<Elf64Ehdr>(0, "ELF header");
            (shOff, shEntSize, shNum, phOff, phEntSize, phNum) = (header.ShOff, header.ShEntSize, header.ShNum, header.PhOff, header.PhEntSize, header.PhNum);
            (expectedSh, expectedPh, shStrNdx) = (64, 56, header.ShStrNdx);
        }
        else
        {
            var header = ReadStruct<Elf32Ehdr>(0, "ELF header");
            (shOff, shEntSize, shNum, phOff, phEntSize, phNum) = (header.ShOff, header.ShEntSize, header.ShNum, header.PhOff, header.PhEntSize, header.PhNum);
            (expectedSh, expectedPh, shStrNdx) = (40, 32, header.ShStrNdx);
        }
        if (shOff == 0 || shNum == 0)
        {
            throw new MalformedException("no section headers (the file was stripped of them)");
        }
        if (shEntSize != expectedSh)
        {
            throw new MalformedException($"section header entries are {shEntSize} bytes, expected {expectedSh}");
        }
        CheckTable("section header table", shOff, shEntSize, shNum);
        if (phNum != 0)
        {
            if (phEntSize != expectedPh)
            {
                throw new MalformedException($"program header entries are {phEntSize} bytes, expected {expectedPh}");
            }
            CheckTable("program header table", phOff, phEntSize, phNum);
        }

        var sections = ReadSectionHeaders(shOff, shNum, shStrNdx);
        var executable = new List<(ulong, ulong)>();
        foreach (var section in sections)
        {
            _sectionsByName.TryAdd(section.Name, section);
            if (section.IsExecutable && section.Size > 0)
            {
                executable.Add((section.Address, section.Address + (ulong)section.Size));
            }
        }
        if (executable.Count == 0)
        {
            // No section says where code is (an odd linker, or section flags stripped): fall back to segments.
            for (var i = 0; i < phNum; i++)
            {
                var offset = (long)phOff + (long)i * phEntSize;
                var (type, flags, address, size) = Is64
                    ? ReadStruct<Elf64Phdr>(offset, "program header") is var p64 ? (p64.Type, p64.Flags, p64.VAddr, p64.MemSz) : default
                    : ReadStruct<Elf32Phdr>(offset, "program header") is var p32 ? (p32.Type, p32.Flags, (ulong)p32.VAddr, (ulong)p32.MemSz) : default;
                if (type == PtLoad && (flags & PfX) != 0)
                {
                    executable.Add((address, address + size));
                }
            }
        }
        executable.Sort();
        Sections = sections;
        ExecutableRanges = executable;
    }

    /// <summary>
    /// Reads the section header table ourselves: every offset is checked against the file, and nothing
    /// else (symbol tables, notes) is parsed before someone asks for it.
    /// </summary>
    private List<ElfSection> ReadSectionHeaders(ulong tableOffset, int count, ushort nameTableIndex)
    {
        var raw = new (uint Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link)[count];
        for (var i = 0; i < count; i++)
        {
            var offset = (long)tableOffset + (long)i * (Is64 ? sizeof(Elf64Shdr) : sizeof(Elf32Shdr));
            if (Is64)
            {
                var h = ReadStruct<Elf64Shdr>(offset, "section header");
                raw[i] = (h.Name, h.Type, h.Flags, h.Addr, h.Offset, h.Size, h.Link);
            }
            else
            {
                var h = ReadStruct<Elf32Shdr>(offset, "section header");
                raw[i] = (h.Name, h.Type, h.Flags, h.Addr, h.Offset, h.Size, h.Link);
            }
        }
        if (nameTableIndex >= count)
        {
            throw new MalformedException($"section-name string table index {nameTableIndex} is outside the {count} section headers");
        }
        var names = raw[nameTableIndex];
        if (names.Type == ShtNoBits || names.Offset > (ulong)Bytes.Length || names.Size > (ulong)Bytes.Length - names.Offset)
        {
            throw new MalformedException("section-name string table runs past the end of the file (truncated?)");
        }
        var nameTable = Bytes.Slice((int)names.Offset, (int)names.Size);

        var sections = new List<ElfSection>(count);
        foreach (var (nameOffset, type, flags, address, offset, size, link) in raw)
        {
            var name = "";
            if (nameOffset < (uint)nameTable.Length)
            {
                var rest = nameTable[(int)nameOffset..];
                var end = rest.IndexOf((byte)0);
                name = System.Text.Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
            }
            var hasBytes = type != ShtNoBits && type != ShtNull;
            if (hasBytes && (offset > (ulong)Bytes.Length || size > (ulong)Bytes.Length - offset))
            {
                // Only an error when someone needs the bytes; a bad non-debug section should not stop us.
                hasBytes = false;
                if (name.StartsWith(".debug_", StringComparison.Ordinal) || name.StartsWith(".zdebug_", StringComparison.Ordinal))
                {
                    throw new MalformedException($"section {name} (0x{size:x} bytes at offset 0x{offset:x}) runs past the end of the file (truncated?)");
                }
            }
            sections.Add(new ElfSection(name, address, hasBytes ? (long)offset : 0, hasBytes ? (long)size : 0, flags, hasBytes, type, link));
        }
        return sections;
    }

    private void CheckTable(string what, ulong offset, int entrySize, int count)
    {
        var end = offset + (ulong)entrySize * (ulong)count;
        if (offset > (ulong)Bytes.Length || end > (ulong)Bytes.Length || end < offset)
        {
            throw new MalformedException($"{what} (offset 0x{offset:x}, {count} entries) runs past the end of the file (truncated?)");
        }
    }

    private T ReadStruct<T>(long offset, string what) where T : unmanaged
    {
        var size = sizeof(T);
        if (offset < 0 || offset + size > Bytes.Length)
        {
            throw new MalformedException($"{what} is truncated");
        }
        return MemoryMarshal.Read<T>(Bytes.Slice((int)offset, size));
    }

    private byte[] Inflate(ElfSection section)
    {
        var data = Slice(section).Span;
        uint type;
        ulong size;
        int headerSize;
        if (Is64)
        {
            if (data.Length < sizeof(Elf64Chdr))
            {
                throw new MalformedException($"compressed section {section.Name} is too short for its header");
            }
            var header = MemoryMarshal.Read<Elf64Chdr>(data);
            (type, size, headerSize) = (header.Type, header.Size, sizeof(Elf64Chdr));
        }
        else
        {
            if (data.Length < sizeof(Elf32Chdr))
            {
                throw new MalformedException($"compressed section {section.Name} is too short for its header");
            }
            var header = MemoryMarshal.Read<Elf32Chdr>(data);
            (type, size, headerSize) = (header.Type, header.Size, sizeof(Elf32Chdr));
        }
        var payload = Slice(section)[headerSize..];
        return type switch
        {
            ElfCompressZlib => Decompress(section.Name, payload, size, stream => new ZLibStream(stream, CompressionMode.Decompress)),
            ElfCompressZstd => Decompress(section.Name, payload, size, stream => new ZstdSharp.DecompressionStream(stream)),
            _ => throw new MalformedException($"section {section.Name} uses unsupported compression type {type} (zlib and zstd are supported)"),
        };
    }

    /// <summary>GNU's older <c>.zdebug_*</c> format: "ZLIB", an 8-byte big-endian size, then a zlib stream.</summary>
    private byte[] InflateLegacy(ElfSection section)
    {
        var data = Slice(section);
        if (data.Length < 12 || !data.Span[..4].SequenceEqual("ZLIB"u8))
        {
            throw new MalformedException($"section {section.Name} lacks its ZLIB header");
        }
        var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(data.Span[4..12]);
        return Decompress(section.Name, data[12..], size, stream => new ZLibStream(stream, CompressionMode.Decompress));
    }

    private static byte[] Decompress(string name, ReadOnlyMemory<byte> payload, ulong declaredSize, Func<Stream, Stream> open)
    {
        // Real debug sections compress 3–20×; a header claiming far more is a decompression bomb. Check the
        // claim before allocating, then inflate straight into a buffer of exactly that size.
        var limit = Math.Min(Limits.MaxDecompressedSection, Math.Max(Limits.MinDecompressedLimit, (long)payload.Length * Limits.MaxCompressionRatio));
        if (declaredSize > (ulong)limit)
        {
            throw new MalformedException($"compressed section {name} claims {declaredSize} bytes from {payload.Length}: more than the {limit} accepted (a decompression bomb?)");
        }
        var output = new byte[declaredSize];
        try
        {
            fixed (byte* p = payload.Span)
            {
                using var input = new UnmanagedMemoryStream(p, payload.Length);
                using var inflater = open(input);
                var read = inflater.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
                if (read != output.Length)
                {
                    throw new MalformedException($"compressed section {name} inflates to {read} bytes, its header says {declaredSize}");
                }
                if (inflater.ReadByte() >= 0)
                {
                    throw new MalformedException($"compressed section {name} inflates past its declared size of {declaredSize} bytes");
                }
                return output;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ZstdSharp.ZstdException)
        {
            throw new MalformedException($"compressed section {name} is corrupt ({e.Message})");
        }
    }
}
