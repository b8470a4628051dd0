using System.Buffers.Binary;

namespace Harness.Core.Suites.Discovery;

/// <summary>
/// Whether a file may be run as a program, judged from its bytes before anything runs it. A file the kernel refuses
/// with ENOEXEC (text without <c>#!</c>, data, an empty file, a truncated ELF) is not refused by the layers above it:
/// glibc's <c>execvp</c> (behind <c>setsid</c>) and <c>sh</c>'s <c>exec</c> (behind the tracer's launcher) both
/// retry such a file as a shell script, so a data file given as a test binary would be run line by line through
/// <c>/bin/sh</c>, and the two ways of running it would end with different exit codes. Checking here means neither
/// ever happens.
/// </summary>
public static class ExecutableFile
{
    private const int EiClass = 4;
    private const int EiData = 5;
    private const ushort EtExec = 2;
    private const ushort EtDyn = 3;
    private const ushort EmX8664 = 62;
    private const uint PtLoad = 1;

    /// <summary>More program headers than any real executable has: a count beyond it is a corrupt header.</summary>
    private const int MaxProgramHeaders = 4096;

    /// <summary>
    /// Null when <paramref name="path"/> is an ELF executable of this machine whose loadable segments are all in the
    /// file; otherwise what it is instead ("a shell script, not an ELF executable", "an empty file", "a truncated
    /// ELF file: …"). With <paramref name="allowScript"/>, a <c>#!</c> script is accepted too.
    /// </summary>
    public static string? Problem(string path, bool allowScript = false)
    {
        byte[] header;
        long length;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            length = file.Length;
            header = new byte[(int)Math.Min(length, 64)];
            file.ReadExactly(header);
            if (length == 0)
            {
                return "an empty file, not an executable";
            }
            if (header.AsSpan().StartsWith("#!"u8))
            {
                return allowScript ? null : "a script, not an ELF executable (scripts run only as CTest commands)";
            }
            if (!header.AsSpan().StartsWith("\u007fELF"u8))
            {
                return Array.IndexOf(header, (byte)0) >= 0
                    ? "a data file, not an ELF executable"
                    : "a text file, not an ELF executable (no #! line either)";
            }
            return ElfProblem(file, header, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {e.Message}";
        }
    }

    private static string? ElfProblem(FileStream file, byte[] header, long length)
    {
        if (header.Length < 64 || header[EiClass] != 2 || header[EiData] != 1)
        {
            return header.Length < 64 ? "a truncated ELF file: no complete ELF header" : "an ELF file for another machine (not 64-bit little-endian)";
        }
        var span = header.AsSpan();
        var type = BinaryPrimitives.ReadUInt16LittleEndian(span[16..]);    // e_type
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]); // e_machine
        var phoff = BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);   // e_phoff
        var phentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[54..]); // e_phentsize
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(span[56..]);   // e_phnum
        if (type is not (EtExec or EtDyn))
        {
            return type == 1 ? "an ELF object file (.o), not an executable" : type == 4 ? "an ELF core dump, not an executable" : $"an ELF file of type {type}, not an executable";
        }
        if (machine != EmX8664)
        {
            return $"an ELF file for another machine (e_machine {machine}), not x86-64";
        }
        if (phnum == 0 || phnum > MaxProgramHeaders || phentsize < 56)
        {
            return "a corrupt ELF file: no usable program headers";
        }
        var tableSize = (ulong)phnum * phentsize;
        if (phoff > (ulong)length || tableSize > (ulong)length - phoff)
        {
            return "a truncated ELF file: its program headers lie past the end of the file";
        }
        var table = new byte[(int)tableSize];
        file.Position = (long)phoff;
        file.ReadExactly(table);
        for (var i = 0; i < phnum; i++)
        {
            var entry = table.AsSpan(i * phentsize, 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(entry) != PtLoad) // p_type
            {
                continue;
            }
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);  // p_offset
            var size = BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);   // p_filesz
            if (offset > (ulong)length || size > (ulong)length - offset)
            {
                return $"a truncated ELF file: a loadable segment ends at byte {offset + size}, the file has {length}";
            }
        }
        return null;
    }
}
