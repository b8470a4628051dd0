using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using ELFSharp.ELF.Segments;

namespace Harness.Symbols.Elf;

/// <summary>One section as the section header describes it, offsets already checked against the file.</summary>
internal readonly record struct ElfSection(string Name, ulong Address, long Offset, long Size, ulong Flags, bool HasBytes)
{
    public const ulong ShfExecInstr = 0x4;
    public const ulong ShfAlloc = 0x2;
    public const ulong ShfCompressed = 0x800;

    public bool IsExecutable => (Flags & (ShfExecInstr | ShfAlloc)) == (ShfExecInstr | ShfAlloc);

    public bool IsCompressed => (Flags & ShfCompressed) != 0;
}

/// <summary>
/// An ELF file mapped read-only into memory. Section headers come from ELFSharp after our own checks
/// of the header, so a truncated or hostile file fails with a clear message instead of deep in the library.
/// Section contents are slices of the mapping; compressed debug sections are inflated on request.
/// </summary>
internal sealed unsafe class ElfImage : IDisposable
{
    private const ushort EtRel = 1;
    private const ushort EtExec = 2;
    private const ushort EtDyn = 3;
    private const uint ElfCompressZlib = 1;
    private const uint ElfCompressZstd = 2;

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
            if (!info.Exists)
            {
                throw new SymbolReadException(path, "no such file");
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
        if (info.Length < 16)
        {
            throw new SymbolReadException(path, "not an ELF file (too short to hold an ELF header)");
        }

        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        ElfImage? image = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            image = new ElfImage(path, file, view, pointer, (int)info.Length);
            image.ReadHeaders();
            return image;
        }
        catch (MalformedException e)
        {
            image?.Dispose();
            throw new SymbolReadException(path, e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            image?.Dispose();
            if (image is null)
            {
                view?.Dispose();
                file?.Dispose();
            }
            throw new SymbolReadException(path, e.Message, e);
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
        if (FileType is not (EtRel or EtExec or EtDyn))
        {
            throw new MalformedException(FileType == 4 ? "a core dump has no line tables" : $"unsupported ELF file type {FileType}");
        }

        ulong shOff, phOff;
        int shEntSize, shNum, phEntSize, phNum, expectedSh, expectedPh;
        if (Is64)
        {
            var header = ReadStruct<Elf64Ehdr>(0, "ELF header");
            (shOff, shEntSize, shNum, phOff, phEntSize, phNum) = (header.ShOff, header.ShEntSize, header.ShNum, header.PhOff, header.PhEntSize, header.PhNum);
            (expectedSh, expectedPh) = (64, 56);
        }
        else
        {
            var header = ReadStruct<Elf32Ehdr>(0, "ELF header");
            (shOff, shEntSize, shNum, phOff, phEntSize, phNum) = (header.ShOff, header.ShEntSize, header.ShNum, header.PhOff, header.PhEntSize, header.PhNum);
            (expectedSh, expectedPh) = (40, 32);
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

        IELF elf;
        try
        {
            var stream = new UnmanagedMemoryStream((byte*)_memory.Pin().Pointer, Bytes.Length);
            if (!ELFReader.TryLoad(stream, shouldOwnStream: true, out elf))
            {
                throw new MalformedException("not a valid ELF file");
            }
        }
        catch (Exception e) when (e is not MalformedException)
        {
            throw new MalformedException($"not a valid ELF file ({e.Message})");
        }

        var sections = new List<ElfSection>();
        var executable = new List<(ulong, ulong)>();
        try
        {
            foreach (var raw in elf.Sections)
            {
                var section = Describe(raw);
                sections.Add(section);
                _sectionsByName.TryAdd(section.Name, section);
                if (section.IsExecutable && section.Size > 0)
                {
                    executable.Add((section.Address, section.Address + (ulong)section.Size));
                }
            }
        }
        catch (Exception e) when (e is not MalformedException)
        {
            throw new MalformedException($"unreadable section headers ({e.Message})");
        }
        if (executable.Count == 0)
        {
            foreach (var segment in elf.Segments)
            {
                if (segment is Segment<ulong> s64 && s64.Type == SegmentType.Load && (s64.Flags & SegmentFlags.Execute) != 0)
                {
                    executable.Add((s64.Address, s64.Address + s64.Size));
                }
                else if (segment is Segment<uint> s32 && s32.Type == SegmentType.Load && (s32.Flags & SegmentFlags.Execute) != 0)
                {
                    executable.Add((s32.Address, (ulong)s32.Address + s32.Size));
                }
            }
        }
        executable.Sort();
        Sections = sections;
        ExecutableRanges = executable;
    }

    private ElfSection Describe(ISection raw)
    {
        ulong address, offset, size, flags;
        switch (raw)
        {
            case Section<ulong> s:
                (address, offset, size, flags) = (s.LoadAddress, s.Offset, s.Size, s.RawFlags);
                break;
            case Section<uint> s:
                (address, offset, size, flags) = (s.LoadAddress, s.Offset, s.Size, s.RawFlags);
                break;
            default:
                throw new MalformedException($"unexpected section type for {raw.Name}");
        }
        var hasBytes = raw.Type != SectionType.NoBits && raw.Type != SectionType.Null;
        if (hasBytes && (offset > (ulong)Bytes.Length || size > (ulong)Bytes.Length - offset))
        {
            // Only an error when someone needs the bytes; a bad non-debug section should not stop us.
            hasBytes = false;
            if (raw.Name.StartsWith(".debug_", StringComparison.Ordinal) || raw.Name.StartsWith(".zdebug_", StringComparison.Ordinal))
            {
                throw new MalformedException($"section {raw.Name} (0x{size:x} bytes at offset 0x{offset:x}) runs past the end of the file (truncated?)");
            }
        }
        return new ElfSection(raw.Name ?? "", address, (long)offset, hasBytes ? (long)size : 0, flags, hasBytes);
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
        if (declaredSize > Limits.MaxDecompressedSection)
        {
            throw new MalformedException($"compressed section {name} claims {declaredSize} bytes uncompressed, more than the {Limits.MaxDecompressedSection} accepted");
        }
        // Never allocate what the header claims before the data proves it: grow with what really inflates.
        try
        {
            fixed (byte* p = payload.Span)
            {
                using var input = new UnmanagedMemoryStream(p, payload.Length);
                using var inflater = open(input);
                var output = new MemoryStream(capacity: (int)Math.Min(declaredSize, (ulong)payload.Length * 8 + 4096));
                var buffer = new byte[81920];
                int read;
                while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if ((ulong)output.Length + (ulong)read > declaredSize)
                    {
                        throw new MalformedException($"compressed section {name} inflates past its declared size of {declaredSize} bytes");
                    }
                    output.Write(buffer, 0, read);
                }
                if ((ulong)output.Length != declaredSize)
                {
                    throw new MalformedException($"compressed section {name} inflates to {output.Length} bytes, its header says {declaredSize}");
                }
                return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ZstdSharp.ZstdException)
        {
            throw new MalformedException($"compressed section {name} is corrupt ({e.Message})");
        }
    }
}
