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

    public void Dispose() => _image.Dispose();
}
