using ELFSharp.ELF;
using ELFSharp.ELF.Sections;

namespace Harness.Tracing;

/// <summary>The few facts the tracer needs from an image file: its type and, for the dynamic linker, two symbols.</summary>
internal static class ElfFacts
{
    private const ushort EtDyn = 3;

    /// <summary>True for PIE executables and shared objects: mapped at a bias chosen at load time.</summary>
    public static bool IsPositionIndependent(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[18];
            return file.Read(header) == 18 && header[16] == EtDyn && header[17] == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The link-time addresses of <c>_r_debug</c> and <c>_dl_debug_state</c> in the dynamic linker, from its
    /// symbol tables (glibc exports both for debuggers), or null when it has neither.
    /// </summary>
    public static (ulong RDebug, ulong DebugState)? DynamicLinkerSymbols(string path)
    {
        try
        {
            if (!ELFReader.TryLoad(path, out var elf))
            {
                return null;
            }
            using (elf)
            {
                ulong rDebug = 0, debugState = 0;
                foreach (var table in elf.GetSections<ISymbolTable>())
                {
                    foreach (var symbol in table.Entries)
                    {
                        var value = symbol is SymbolEntry<ulong> s64 ? s64.Value : symbol is SymbolEntry<uint> s32 ? s32.Value : 0;
                        switch (symbol.Name)
                        {
                            case "_r_debug":
                                rDebug = value;
                                break;
                            case "_dl_debug_state":
                                debugState = value;
                                break;
                        }
                    }
                }
                return rDebug != 0 && debugState != 0 ? (rDebug, debugState) : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
