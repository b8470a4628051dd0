using System.Runtime.InteropServices;
using Harness.Symbols.Elf;

namespace Harness.Symbols.ControlFlow;

/// <summary>
/// The bytes of an ELF file's executable sections by link-time address, for decoding: the file stays mapped (not
/// copied) until disposed.
/// </summary>
public sealed class MachineCode : IDisposable
{
    private readonly ElfImage _image;
    private readonly List<ElfSection> _code;

    private MachineCode(ElfImage image)
    {
        _image = image;
        _code = [.. image.Sections.Where(s => s.IsExecutable && s.HasBytes).OrderBy(s => s.Address)];
    }

    /// <summary>Whether the file is x86-64 (the only machine we decode).</summary>
    public bool IsX64 => _image.Is64 && _image.Machine == 62;

    /// <exception cref="SymbolReadException">The file is missing or not a valid ELF file.</exception>
    public static MachineCode Open(string path) => new(ElfImage.Open(path));

    /// <summary>The bytes of [start, end) when one executable section holds all of them.</summary>
    public bool TryGet(ulong start, ulong end, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        if (end <= start)
        {
            return false;
        }
        foreach (var section in _code)
        {
            if (start >= section.Address && end <= section.Address + (ulong)section.Size)
            {
                bytes = _image.Slice(section).Slice((int)(start - section.Address), (int)(end - start));
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The code address a pointer slot of the file holds once loaded (the GOT entry an indirect <c>call [rip+x]</c> reads):
    /// the addend of its <c>R_X86_64_RELATIVE</c> relocation in <c>.rela.dyn</c> (a PIE), else the 8 bytes the file has
    /// there (a fixed-address executable); 0 when neither tells (a symbol another library provides).
    /// </summary>
    public ulong PointerAt(ulong slot)
    {
        _relative ??= ReadRelativeRelocations();
        if (_relative.TryGetValue(slot, out var target))
        {
            return target;
        }
        foreach (var section in _image.Sections)
        {
            if (section.HasBytes && (section.Flags & ElfSection.ShfAlloc) != 0 && slot >= section.Address && slot + 8 <= section.Address + (ulong)section.Size)
            {
                return BitConverter.ToUInt64(_image.Slice(section).Span.Slice((int)(slot - section.Address), 8));
            }
        }
        return 0;
    }

    private Dictionary<ulong, ulong>? _relative;

    private Dictionary<ulong, ulong> ReadRelativeRelocations()
    {
        const uint RelativeType = 8;
        var result = new Dictionary<ulong, ulong>();
        if (!_image.Is64 || !_image.TryGetSection(".rela.dyn", out var section))
        {
            return result;
        }
        var entries = MemoryMarshal.Cast<byte, Elf64Rela>(_image.Slice(section).Span);
        foreach (var entry in entries)
        {
            if ((uint)entry.Info == RelativeType)
            {
                result[entry.Offset] = (ulong)entry.Addend;
            }
        }
        return result;
    }

    public void Dispose() => _image.Dispose();
}
