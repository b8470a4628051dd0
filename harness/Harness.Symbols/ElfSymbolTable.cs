using System.Runtime.InteropServices;
using Harness.Symbols.Elf;

namespace Harness.Symbols;

/// <summary>A defined symbol of an ELF file: its name as stored (mangled), link-time address and size.</summary>
public readonly record struct ElfSymbol(string Name, ulong Address, ulong Size, bool IsFunction);

/// <summary>
/// The symbols of an ELF file's <c>.symtab</c> and <c>.dynsym</c>, read through the one ELF reader
/// (<see cref="ElfImage"/>): for the profiler's names of code without DWARF and the tracer's two dynamic-linker
/// symbols. Undefined symbols and those with no address are left out; a name found in both tables counts once.
/// </summary>
public sealed class ElfSymbolTable
{
    private const byte SttFunc = 2;
    private const byte SttGnuIFunc = 10;

    /// <summary>Symbols in both tables together beyond this are a hostile count (real binaries stay under a million).</summary>
    private const int MaxSymbols = 1 << 24;

    private readonly Dictionary<string, ulong> _byName;

    private ElfSymbolTable(List<ElfSymbol> symbols, ushort fileType)
    {
        symbols.Sort((a, b) => a.Address.CompareTo(b.Address));
        Symbols = symbols;
        IsPositionIndependent = fileType == 3;
        _byName = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var symbol in symbols)
        {
            _byName.TryAdd(symbol.Name, symbol.Address);
        }
    }

    /// <summary>Every defined symbol with an address, sorted by address.</summary>
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>e_type ET_DYN: a PIE or shared library, mapped at a bias chosen at load time.</summary>
    public bool IsPositionIndependent { get; }

    /// <summary>Reads both symbol tables.</summary>
    /// <exception cref="SymbolReadException">The file is missing, not ELF, truncated, or a symbol table is corrupt.</exception>
    public static ElfSymbolTable Load(string path)
    {
        using var image = ElfImage.Open(path);
        try
        {
            return new ElfSymbolTable(Read(image), image.FileType);
        }
        catch (MalformedException e)
        {
            throw new SymbolReadException(path, e.Message, e);
        }
    }

    /// <summary>The address of a symbol by its stored name, or null.</summary>
    public ulong? AddressOf(string name) => _byName.TryGetValue(name, out var address) ? address : null;

    /// <summary>True for PIE executables and shared objects; false for anything unreadable. Reads only the ELF header.</summary>
    public static bool IsPositionIndependentFile(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[Marshal.SizeOf<ElfIdentAndType>()];
            if (file.Read(header) != header.Length)
            {
                return false;
            }
            var ident = MemoryMarshal.Read<ElfIdentAndType>(header);
            return ident.Magic == 0x464c457f && ident.Data == 1 && ident.Type == 3;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static unsafe List<ElfSymbol> Read(ElfImage image)
    {
        var symbols = new List<ElfSymbol>();
        var sections = image.Sections;
        foreach (var table in sections)
        {
            if (table.Type is not (ElfSection.ShtSymTab or ElfSection.ShtDynSym) || !table.HasBytes)
            {
                continue;
            }
            if (table.Link >= (uint)sections.Count || !sections[(int)table.Link].HasBytes)
            {
                throw new MalformedException($"symbol table {table.Name} names string table {table.Link}, which has no contents");
            }
            var names = image.Slice(sections[(int)table.Link]).Span;
            var bytes = image.Slice(table).Span;
            var entrySize = image.Is64 ? sizeof(Elf64Sym) : sizeof(Elf32Sym);
            var count = bytes.Length / entrySize;
            if (symbols.Count + count > MaxSymbols)
            {
                throw new MalformedException($"symbol table {table.Name} claims {count} symbols: more than the {MaxSymbols} accepted");
            }
            for (var i = 1; i < count; i++)
            {
                var entry = bytes.Slice(i * entrySize, entrySize);
                var (name, info, shndx, value, size) = image.Is64
                    ? MemoryMarshal.Read<Elf64Sym>(entry) is var s64 ? (s64.Name, s64.Info, s64.Shndx, s64.Value, s64.Size) : default
                    : MemoryMarshal.Read<Elf32Sym>(entry) is var s32 ? (s32.Name, s32.Info, s32.Shndx, (ulong)s32.Value, (ulong)s32.Size) : default;
                if (shndx == 0 || value == 0 || name == 0 || name >= (uint)names.Length)
                {
                    continue;
                }
                var rest = names[(int)name..];
                var end = rest.IndexOf((byte)0);
                var text = System.Text.Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
                var type = (byte)(info & 0xf);
                symbols.Add(new ElfSymbol(text, value, size, type is SttFunc or SttGnuIFunc));
            }
        }
        return symbols;
    }
}
